//! Opening the index folder, or starting it afresh.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::analysis;
use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::error::{Error, Result};

/// The index on disk and a reader over it.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

/// `<data dir>/index/v<N>`: a schema change starts a new folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("index").join(format!("v{SCHEMA_VERSION}"))
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates an empty one when it is missing
    /// or unreadable (an empty index has watermark 0, so the caller
    /// rebuilds it from the database). Folders of older schema versions are
    /// removed: they can only be rebuilt, never read.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex> {
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(Error::internal)?;
            remove_other_versions(parent, dir);
        }
        match Self::open(dir) {
            Ok(index) => Ok(index),
            Err(e) => {
                if dir.exists() {
                    tracing::warn!(error = %e, "search index unreadable; rebuilding it from the database");
                    std::fs::remove_dir_all(dir).map_err(Error::internal)?;
                }
                std::fs::create_dir_all(dir).map_err(Error::internal)?;
                Self::open(dir)
            }
        }
    }

    fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(Error::internal)?;
        let index = Index::open_or_create(directory, schema).map_err(Error::internal)?;
        analysis::register(index.tokenizers());
        // Our own commits reload explicitly; no polling of meta.json.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(Error::internal)?;
        // Prove the metadata is readable now rather than at the first search.
        index.load_metas().map_err(Error::internal)?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// The last outbox sequence this index reflects (0 for a new index).
    pub fn watermark(&self) -> Result<i64> {
        let metas = self.index.load_metas().map_err(Error::internal)?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }
}

fn remove_other_versions(parent: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_version = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('v'));
        if is_version && path != keep {
            tracing::info!(folder = %path.display(), "removing search index of another schema version");
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
