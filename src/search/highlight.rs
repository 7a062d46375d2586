//! Snippets with the matched words marked. The words marked are the
//! concrete terms the query was expanded to, so a word matched through a
//! typo, a prefix or a synonym is marked too.

use std::collections::BTreeMap;

use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;

use super::analysis::stemmed_analyzer;

/// Marks around matched words in `Highlight::snippet`.
pub const MARK_OPEN: &str = "<mark>";
pub const MARK_CLOSE: &str = "</mark>";

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
    terms: BTreeMap<String, f32>,
    field: Field,
}

impl Highlighter {
    pub fn new(terms: BTreeMap<String, f32>, any_field: Field) -> Self {
        Highlighter {
            terms,
            field: any_field,
        }
    }

    /// A snippet of at most `max_chars` around the best matches in `text`;
    /// `None` when nothing in it matched.
    pub fn highlight(
        &self,
        field: &'static str,
        text: &str,
        max_chars: usize,
    ) -> Option<Highlight> {
        if self.terms.is_empty() || text.is_empty() {
            return None;
        }
        let generator = SnippetGenerator::new(
            self.terms.clone(),
            stemmed_analyzer(),
            self.field,
            max_chars,
        );
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
