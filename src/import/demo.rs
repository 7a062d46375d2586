//! The built-in sample posts that `kbql serve --demo` loads into an empty
//! database: an invented hair-restoration clinic's questions and answers.

use super::{Format, ImportError, parse};
use crate::store::{ImportSummary, Store};

pub const DEMO_POSTS: &str = include_str!("demo_posts.jsonl");

/// Loads the sample posts unless the database already has posts.
pub async fn load_if_empty(store: &Store) -> Result<Option<ImportSummary>, ImportError> {
    if store.has_posts().await? {
        return Ok(None);
    }
    let posts = parse(Format::JsonLines, DEMO_POSTS)?;
    Ok(Some(store.import_posts(&posts, &|_| {}).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_posts_parse() {
        let posts = parse(Format::JsonLines, DEMO_POSTS).expect("demo posts are valid");
        assert!(posts.len() >= 40, "{}", posts.len());
    }
}
