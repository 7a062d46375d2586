//! Shared by the two import targets: bytes to text as `kbql import` would
//! meet them, and the promises every successful parse must keep.

use std::borrow::Cow;
use std::collections::HashSet;

use kbql::domain::{Limits, PostKind, Slug};
use kbql::import::{Format, parse};

/// Valid UTF-8 is parsed as it is; anything else after the lossy
/// conversion, so that every input reaches the parser.
pub fn text_of(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

pub fn check(format: Format, data: &[u8]) {
    let text = text_of(data);
    let Ok(posts) = parse(format, &text) else {
        // A refusal is fine; its message is what the CLI prints.
        return;
    };
    let mut slugs = HashSet::new();
    for post in &posts {
        let slug = post.slug.as_str();
        assert!(slugs.insert(slug.to_owned()), "slug {slug:?} given twice");
        assert!(
            Slug::parse("slug", slug).is_ok(),
            "settled slug {slug:?} would be refused as input"
        );
        let title = post.title.as_str();
        assert!(!title.trim().is_empty(), "blank title");
        assert!(title.chars().count() <= Limits::TITLE, "title too long");
        assert_eq!(
            post.question.is_some(),
            post.kind == PostKind::Question,
            "a question needs its text and only a question has one"
        );
    }
}
