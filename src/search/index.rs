//! Opening the index folder, or starting it afresh.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::analysis;
use super::schema::{self, Fields, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::store::OutboxEntry;

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
        Ok(self.commit_mark()?.seq)
    }

    /// What the last commit recorded about the outbox.
    pub fn commit_mark(&self) -> Result<Watermark> {
        let metas = self.index.load_metas().map_err(Error::internal)?;
        Ok(metas
            .payload
            .as_deref()
            .map(Watermark::parse)
            .unwrap_or(Watermark::NONE))
    }
}

/// How far the index has followed the outbox: the last sequence applied
/// and when that row was written. The time ties the index to one
/// database's history: a database replaced or restored from a backup
/// reuses sequence numbers, so a sequence alone could point into a
/// history the index never saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watermark {
    pub seq: i64,
    /// Microseconds since the epoch; `None` for an empty outbox, and in
    /// commits of kbql versions that recorded the sequence alone.
    pub written_at: Option<i64>,
}

impl Watermark {
    pub const NONE: Watermark = Watermark {
        seq: 0,
        written_at: None,
    };

    pub fn of(entry: &OutboxEntry) -> Watermark {
        Watermark {
            seq: entry.seq,
            written_at: Some(entry.written_at.timestamp_micros()),
        }
    }

    /// Whether `entry`, this database's row at `self.seq` (`None`: it has
    /// no such row), is the row this watermark was taken from.
    pub fn matches(&self, entry: Option<&OutboxEntry>) -> bool {
        match (entry, self.written_at) {
            (None, _) => false,
            (Some(e), Some(at)) => e.seq == self.seq && e.written_at.timestamp_micros() == at,
            // Recorded before commits carried the time: trust the sequence.
            (Some(e), None) => e.seq == self.seq,
        }
    }

    /// The tantivy commit payload: `SEQ@MICROS`, or `SEQ` alone.
    pub fn payload(&self) -> String {
        match self.written_at {
            Some(at) => format!("{}@{at}", self.seq),
            None => self.seq.to_string(),
        }
    }

    /// Reads a payload; anything unreadable counts as a new index.
    pub fn parse(payload: &str) -> Watermark {
        let (seq, at) = match payload.split_once('@') {
            Some((seq, at)) => (seq, Some(at)),
            None => (payload, None),
        };
        let Ok(seq) = seq.trim().parse() else {
            return Watermark::NONE;
        };
        match at.map(|a| a.trim().parse()) {
            Some(Err(_)) => Watermark::NONE,
            Some(Ok(at)) => Watermark {
                seq,
                written_at: Some(at),
            },
            None => Watermark {
                seq,
                written_at: None,
            },
        }
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

#[cfg(test)]
mod tests {
    use super::Watermark;
    use crate::store::OutboxEntry;

    fn row(seq: i64, micros: i64) -> OutboxEntry {
        OutboxEntry {
            seq,
            post_id: 1,
            written_at: chrono::DateTime::from_timestamp_micros(micros).unwrap(),
        }
    }

    #[test]
    fn a_watermark_matches_only_the_row_it_was_taken_from() {
        let mark = Watermark::of(&row(10, 1_000_001));
        assert!(mark.matches(Some(&row(10, 1_000_001))));
        assert!(!mark.matches(Some(&row(10, 1_000_002))), "another history");
        assert!(!mark.matches(None), "a database that never got this far");
        let older = Watermark::parse("10");
        assert!(older.matches(Some(&row(10, 5))), "recorded without a time");
        assert!(!older.matches(None));
    }

    #[test]
    fn payloads_round_trip_and_older_ones_still_read() {
        let mark = Watermark {
            seq: 42,
            written_at: Some(1_764_072_000_123_456),
        };
        assert_eq!(Watermark::parse(&mark.payload()), mark);
        assert_eq!(
            Watermark::parse("17"),
            Watermark {
                seq: 17,
                written_at: None
            }
        );
        assert_eq!(Watermark::parse("garbage"), Watermark::NONE);
        assert_eq!(Watermark::parse("3@soon"), Watermark::NONE);
    }
}
