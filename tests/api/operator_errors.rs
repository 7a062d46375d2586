//! What an operator reads when kbql cannot start: the failure, what was
//! being done and the address, path or URL involved, never a bare
//! "internal error".

use std::process::{Command, Output};

fn kbql(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run kbql")
}

fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "kbql should have failed");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!text.contains("internal error"), "{text}");
    text
}

#[test]
fn a_port_in_use_is_named_with_the_cause() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let text = refused(&kbql(&["serve", "--bind", &addr, "--data-dir", data]));
    assert!(text.contains(&format!("cannot listen on {addr}")), "{text}");
    assert!(
        text.to_lowercase().contains("address already in use"),
        "{text}"
    );
}

#[test]
fn an_unusable_data_directory_is_named_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data directory should be (file permissions would
    // not stop the root user the tests may run as).
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "x").unwrap();
    let data = file.join("data");
    let text = refused(&kbql(&["migrate", "--data-dir", data.to_str().unwrap()]));
    assert!(
        text.contains(&format!(
            "cannot create the data directory {}",
            data.display()
        )),
        "{text}"
    );
    assert!(text.to_lowercase().contains("not a directory"), "{text}");

    // A data directory whose index cannot be made: a file is in its way.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("index"), "x").unwrap();
    let text = refused(&kbql(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().unwrap(),
    ]));
    assert!(
        text.contains(&format!(
            "cannot open the search index in {}",
            data.join("index").display()
        )),
        "{text}"
    );
}

#[test]
fn a_database_that_does_not_answer_is_named_without_its_password() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://kbql:s3cret@127.0.0.1:{closed}/kbql");
    let dir = tempfile::tempdir().unwrap();
    let text = refused(&kbql(&[
        "migrate",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--database-url",
        &url,
    ]));
    assert!(
        text.contains(&format!(
            "cannot connect to the database postgres://kbql:***@127.0.0.1:{closed}/kbql"
        )),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

#[test]
fn a_file_that_is_not_a_database_is_named_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kbql.db"),
        "this is not SQLite ".repeat(100),
    )
    .unwrap();
    let text = refused(&kbql(&[
        "migrate",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]));
    assert!(text.contains("kbql.db"), "{text}");
    assert!(text.contains("not a database"), "{text}");
}
