//! Snippets with the matched words marked. The words marked are the
//! concrete terms the query was expanded to, so a word matched through a
//! typo, a prefix or a synonym is marked too.
//!
//! The excerpt is chosen as tantivy's `SnippetGenerator` chooses it (the
//! window of at most so many bytes whose matched words weigh most, the
//! earliest among equals), but without its per-word work: it lowercases a
//! copy of every word it reads to look it up, where the snippet analyzer
//! has already lowercased them, and that work showed in profiles of the
//! server under search traffic.

use std::collections::BTreeMap;
use std::ops::Range;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::TextAnalyzer;

use super::analysis::snippet_analyzer;

/// Marks around matched words in `Highlight::snippet`.
pub const MARK_OPEN: &str = "<mark>";
pub const MARK_CLOSE: &str = "</mark>";

/// Longest excerpt of a title, and of a question or an answer, in bytes.
const TITLE_BYTES: usize = 200;
const BODY_BYTES: usize = 180;

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
    /// Stem → how much a match of it is worth; `None` when nothing can
    /// match.
    marking: Option<(FxHashMap<String, f32>, TextAnalyzer)>,
}

impl Highlighter {
    /// What it occupies, roughly: each stem twice (the weights, and the
    /// analyzer's gate) with its table entry, and the analyzer itself.
    pub fn weight(&self) -> u64 {
        let Some((terms, _)) = &self.marking else {
            return 64;
        };
        let per_stem: u64 = terms
            .keys()
            .map(|s| 2 * (crate::cache::string_bytes(s) + 16))
            .sum();
        512 + per_stem
    }

    pub fn new(terms: BTreeMap<String, f32>) -> Self {
        if terms.is_empty() {
            return Highlighter { marking: None };
        }
        let stems: Vec<&str> = terms.keys().map(String::as_str).collect();
        let analyzer = snippet_analyzer(&stems);
        Highlighter {
            marking: Some((terms.into_iter().collect(), analyzer)),
        }
    }

    /// An excerpt around the best matches in `text` (the whole of a short
    /// title); `None` when nothing in it matched.
    pub fn highlight(&self, field: &'static str, text: &str) -> Option<Highlight> {
        let (terms, analyzer) = self.marking.as_ref()?;
        let max_bytes = if field == "title" {
            TITLE_BYTES
        } else {
            BODY_BYTES
        };
        let best = best_window(&mut analyzer.clone(), terms, text, max_bytes)?;
        let fragment = &text[best.start..best.stop];
        let ranges: Vec<(usize, usize)> = best
            .marked
            .iter()
            .map(|r| (r.start - best.start, r.end - best.start))
            .collect();
        Some(Highlight {
            field,
            snippet: marked_html(fragment, &ranges),
            fragment: fragment.to_owned(),
            ranges,
        })
    }
}

/// A stretch of the text and the matched words in it.
struct Window {
    score: f32,
    start: usize,
    stop: usize,
    marked: Vec<Range<usize>>,
}

impl Window {
    fn at(start: usize) -> Self {
        Window {
            score: 0.0,
            start,
            stop: start,
            marked: Vec::new(),
        }
    }
}

/// Cuts `text` into consecutive windows of at most `max_bytes` (a window
/// ends before the word that would overflow it) and returns the one whose
/// matched words weigh most.
fn best_window(
    analyzer: &mut TextAnalyzer,
    terms: &FxHashMap<String, f32>,
    text: &str,
    max_bytes: usize,
) -> Option<Window> {
    let mut best: Option<Window> = None;
    let mut keep = |window: Window| {
        // The earliest wins a tie: windows come in order.
        if window.score > 0.0 && best.as_ref().is_none_or(|b| window.score > b.score) {
            best = Some(window);
        }
    };
    let mut current = Window::at(0);
    let mut tokens = analyzer.token_stream(text);
    while let Some(token) = tokens.next() {
        if token.offset_to - current.start > max_bytes {
            keep(std::mem::replace(
                &mut current,
                Window::at(token.offset_from),
            ));
        }
        current.stop = token.offset_to;
        if let Some(score) = terms.get(token.text.as_str()) {
            current.score += score;
            current.marked.push(token.offset_from..token.offset_to);
        }
    }
    keep(current);
    best
}

/// `fragment` escaped for HTML with each range wrapped in the marks. The
/// ranges come from one token stream: in order, never overlapping.
fn marked_html(fragment: &str, ranges: &[(usize, usize)]) -> String {
    let mut html = String::with_capacity(fragment.len() + ranges.len() * 16);
    let mut from = 0;
    for &(start, end) in ranges {
        push_escaped(&mut html, &fragment[from..start]);
        html.push_str(MARK_OPEN);
        push_escaped(&mut html, &fragment[start..end]);
        html.push_str(MARK_CLOSE);
        from = end;
    }
    push_escaped(&mut html, &fragment[from..]);
    html
}

fn push_escaped(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'"' => "&quot;",
            b'&' => "&amp;",
            b'\'' => "&#x27;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::stem;

    fn highlighter(words: &[(&str, f32)]) -> Highlighter {
        Highlighter::new(words.iter().map(|(w, s)| (stem(w), *s)).collect())
    }

    #[test]
    fn marks_every_form_of_a_matched_word_and_escapes_the_rest() {
        let h = highlighter(&[("fade", 1.0)]);
        let found = h
            .highlight("answer", "Pigment <b>fades</b> & it's FADING slowly.")
            .unwrap();
        assert_eq!(
            found.snippet,
            "Pigment &lt;b&gt;<mark>fades</mark>&lt;/b&gt; &amp; it&#x27;s <mark>FADING</mark> slowly"
        );
        // An excerpt runs from its first word to the end of its last.
        assert_eq!(found.fragment, "Pigment <b>fades</b> & it's FADING slowly");
        assert_eq!(found.ranges, vec![(11, 16), (28, 34)]);
    }

    #[test]
    fn picks_the_window_whose_matches_weigh_most() {
        let h = highlighter(&[("sun", 1.0), ("sunscreen", 3.0)]);
        let filler = "word ".repeat(60);
        let text = format!("The sun is out. {filler}Wear sunscreen after a session.");
        let found = h.highlight("answer", &text).unwrap();
        assert!(found.fragment.contains("sunscreen"), "{}", found.fragment);
        assert!(!found.fragment.contains("sun is out"));
        assert!(found.fragment.len() <= BODY_BYTES);
    }

    #[test]
    fn the_earliest_of_equal_windows_wins() {
        let h = highlighter(&[("scar", 1.0)]);
        let filler = "word ".repeat(60);
        let found = h
            .highlight(
                "question",
                &format!("One scar here. {filler}One scar there."),
            )
            .unwrap();
        assert!(found.fragment.starts_with("One scar here."));
    }

    #[test]
    fn nothing_matched_or_nothing_asked_gives_no_snippet() {
        assert_eq!(
            highlighter(&[("laser", 1.0)]).highlight("title", "SMP and sun"),
            None
        );
        assert_eq!(highlighter(&[]).highlight("title", "SMP and sun"), None);
        assert_eq!(highlighter(&[("sun", 1.0)]).highlight("title", ""), None);
    }
}
