//! Installs the playground's GraphiQL build from the npm registry, at the
//! versions `src/server/playground/package-lock.json` pins, so that the
//! binary embeds it and the playground works with no internet.
//!
//! The files are installed into `OUT_DIR`, never into the source tree.
//! Without npm the build still succeeds: it warns, and the playground page
//! says what is missing rather than loading a half page. An offline build
//! can point `KBQL_PLAYGROUND_NODE_MODULES` at a `node_modules` folder
//! installed from the same lockfile.

use std::path::{Path, PathBuf};
use std::process::Command;

const PACKAGE: &str = "src/server/playground/package.json";
const LOCKFILE: &str = "src/server/playground/package-lock.json";

/// What the server embeds, relative to `node_modules`.
const ASSETS: [&str; 4] = [
    "graphiql/graphiql.min.js",
    "graphiql/graphiql.min.css",
    "react/umd/react.production.min.js",
    "react-dom/umd/react-dom.production.min.js",
];

fn main() {
    println!("cargo:rerun-if-changed={PACKAGE}");
    println!("cargo:rerun-if-changed={LOCKFILE}");
    println!("cargo:rerun-if-env-changed=KBQL_PLAYGROUND_NODE_MODULES");
    println!("cargo::rustc-check-cfg=cfg(kbql_playground_assets)");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let modules = match std::env::var_os("KBQL_PLAYGROUND_NODE_MODULES") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => install(&out.join("playground")),
    };
    let staged = modules.and_then(|modules| stage(&modules, &out.join("playground-assets")));
    match staged {
        Ok(()) => println!("cargo:rustc-cfg=kbql_playground_assets"),
        Err(why) => println!(
            "cargo:warning=the playground is built without GraphiQL ({why}); \
             install Node.js and npm and rebuild to serve it"
        ),
    }
}

/// `npm ci` into `dir`, skipped when `dir` already holds this lockfile's
/// install (cargo reruns the script whenever the lockfile changes, but also
/// after unrelated rebuilds of the crate's build script).
fn install(dir: &Path) -> Result<PathBuf, String> {
    let lock = std::fs::read(LOCKFILE).map_err(|e| format!("{LOCKFILE}: {e}"))?;
    let installed = dir.join("package-lock.json");
    let modules = dir.join("node_modules");
    if std::fs::read(&installed).ok().as_deref() == Some(&lock[..]) && modules.is_dir() {
        return Ok(modules);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::copy(PACKAGE, dir.join("package.json")).map_err(|e| format!("{PACKAGE}: {e}"))?;
    std::fs::write(&installed, &lock).map_err(|e| format!("{}: {e}", installed.display()))?;
    let status = Command::new("npm")
        .args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
        ])
        .current_dir(dir)
        .status()
        .map_err(|e| format!("npm could not be run: {e}"))?;
    if !status.success() {
        // A failed install must not pass for a good one next time.
        let _ = std::fs::remove_file(&installed);
        return Err(format!("npm ci failed ({status})"));
    }
    Ok(modules)
}

/// Copies the served files to fixed names for `include_bytes!`.
fn stage(modules: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for asset in ASSETS {
        let from = modules.join(asset);
        let name = Path::new(asset).file_name().expect("assets are files");
        std::fs::copy(&from, to.join(name)).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    Ok(())
}
