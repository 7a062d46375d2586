//! Snippets with the matched words marked. The words marked are the
//! concrete terms the query was expanded to, so a word matched through a
//! typo, a prefix or a synonym is marked too.

use std::collections::BTreeMap;

use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;

use super::analysis::snippet_analyzer;

/// Marks around matched words in `Highlight::snippet`.
pub const MARK_OPEN: &str = "<mark>";
pub const MARK_CLOSE: &str = "</mark>";

/// Longest excerpt of a title, and of a question or an answer.
const TITLE_CHARS: usize = 200;
const BODY_CHARS: usize = 180;

/// One field's snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub field: &'static str,
    /// HTML: the text escaped, matched words in `<mark>…</mark>`.
    pub snippet: String,
    /// The same excerpt as plain text.
    pub fragment: String,
    /// Byte ranges of the matched words within `fragment`.
    pub ranges: Vec<(usize, usize)>,
}

/// Makes snippets for the hits of one search.
pub struct Highlighter {
    title: Option<SnippetGenerator>,
    body: Option<SnippetGenerator>,
}

impl Highlighter {
    pub fn new(terms: BTreeMap<String, f32>, any_field: Field) -> Self {
        if terms.is_empty() {
            return Highlighter {
                title: None,
                body: None,
            };
        }
        let stems: Vec<&str> = terms.keys().map(String::as_str).collect();
        let analyzer = snippet_analyzer(&stems);
        let make = |chars| SnippetGenerator::new(terms.clone(), analyzer.clone(), any_field, chars);
        Highlighter {
            title: Some(make(TITLE_CHARS)),
            body: Some(make(BODY_CHARS)),
        }
    }

    /// An excerpt around the best matches in `text` (the whole of a short
    /// title); `None` when nothing in it matched.
    pub fn highlight(&self, field: &'static str, text: &str) -> Option<Highlight> {
        let generator = if field == "title" {
            self.title.as_ref()
        } else {
            self.body.as_ref()
        }?;
        if text.is_empty() {
            return None;
        }
        let mut snippet = generator.snippet(text);
        if snippet.highlighted().is_empty() {
            return None;
        }
        snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
        Some(Highlight {
            field,
            snippet: snippet.to_html(),
            fragment: snippet.fragment().to_owned(),
            ranges: snippet
                .highlighted()
                .iter()
                .map(|r| (r.start, r.end))
                .collect(),
        })
    }
}
