//! The sentence-embedding model for the tests that match by meaning: the
//! real one, loaded once per test process (it is 90 MB and its checksum is
//! checked on load), each test getting vectors of its own.

use std::path::PathBuf;
use std::sync::{Arc, Once};

use kbql::search::semantic::{Encoder, Semantic, SentenceModel};
use tokio::sync::OnceCell;

/// Where the model is: `KBQL_TEST_MODEL_DIR`, or where
/// `scripts/model/fetch_minilm.sh` puts it (what `.ci/run` runs). `None`,
/// said once, when neither holds one.
pub fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KBQL_TEST_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/target/model/all-minilm-l6-v2"
            ))
        });
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: tests that match by meaning are skipped: no model in {} \
             (scripts/model/fetch_minilm.sh fetches it)",
            dir.display()
        );
    });
    None
}

/// Matching by meaning with the model in `dir`, on vectors of its own.
pub async fn semantic(dir: &std::path::Path) -> Arc<Semantic> {
    static MODEL: OnceCell<Arc<dyn Encoder>> = OnceCell::const_new();
    let encoder = MODEL
        .get_or_init(|| async {
            let dir = dir.to_owned();
            let model = tokio::task::spawn_blocking(move || SentenceModel::load(&dir))
                .await
                .expect("model loader")
                .expect("the test model loads");
            Arc::new(model) as Arc<dyn Encoder>
        })
        .await;
    Arc::new(Semantic::new(encoder.clone()))
}
