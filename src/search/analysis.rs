//! Text analysis shared by indexing and querying, so that a word in a query
//! and the same word in a post always meet as the same term.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};

/// Words folded (case, accents) and stemmed: the scored fields.
pub const STEMMED: &str = "kb_stemmed";
/// Words folded but not stemmed: the vocabulary that typo and prefix
/// expansion and "did you mean" draw real words from.
pub const PLAIN: &str = "kb_plain";

/// Longer tokens are not words (hashes, URLs) and only bloat the index.
const MAX_TOKEN_BYTES: usize = 40;

pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn register(manager: &TokenizerManager) {
    manager.register(PLAIN, plain_analyzer());
    manager.register(STEMMED, stemmed_analyzer());
}

thread_local! {
    // Building an analyzer allocates; queries stem many words.
    static PLAIN_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(plain_analyzer());
    static STEMMED_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(stemmed_analyzer());
}

/// Splits text into folded words, as the vocabulary field holds them.
pub fn words(text: &str) -> Vec<String> {
    PLAIN_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// Folded, stemmed form of text, as the scored fields hold it.
pub fn stems(text: &str) -> Vec<String> {
    STEMMED_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// The stem of one already-folded word.
pub fn stem(word: &str) -> String {
    stems(word)
        .into_iter()
        .next()
        .unwrap_or_else(|| word.to_owned())
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// See [`is_stop_word`].
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
    "get", "got", "had", "has", "have", "having", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "just", "me", "my", "no", "not", "of", "on", "or", "our", "she",
    "should", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "to", "too", "up", "us", "was", "we", "were", "what", "when", "where", "which",
    "who", "why", "will", "with", "would", "you", "your", "s", "t",
    // Function words of how visitors write to a doctor, not topics.
    "very", "really", "please", "thank", "thanks", "hi", "hello", "hey",
];

/// Words that carry no topic in a visitor's question. They neither
/// retrieve posts nor count towards how much of a query a post covers, and
/// are never expanded; in a post's title or question they only nudge its
/// rank (see `rank::phrasing`).
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_and_accents() {
        assert_eq!(
            words("Crème SMP, touch-up!"),
            ["creme", "smp", "touch", "up"]
        );
    }

    #[test]
    fn stems_meet_across_inflections() {
        assert_eq!(stem("fading"), stem("fades"));
        assert_eq!(stems("Scarring scars"), [stem("scar"), stem("scar")]);
    }

    #[test]
    fn stop_words_are_recognised() {
        assert!(is_stop_word("the") && is_stop_word("how") && !is_stop_word("smp"));
    }
}

/// The first three characters of a word or stem: a word can only stem to
/// one of a set of stems if it starts like one of them.
fn gate_key(text: &str) -> &str {
    match text.char_indices().nth(3) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// An analyzer for marking snippets: like [`stemmed_analyzer`], but it
/// stems only the words that start like one of `stems`. Stemming is the
/// costly step of marking an answer, and most of its words cannot match.
pub fn snippet_analyzer(stems: &[&str]) -> TextAnalyzer {
    let gate: std::sync::Arc<rustc_hash::FxHashSet<String>> =
        std::sync::Arc::new(stems.iter().map(|s| gate_key(s).to_owned()).collect());
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(GatedStemmer { gate })
        .build()
}

#[derive(Clone)]
struct GatedStemmer {
    gate: std::sync::Arc<rustc_hash::FxHashSet<String>>,
}

impl tantivy::tokenizer::TokenFilter for GatedStemmer {
    type Tokenizer<T: tantivy::tokenizer::Tokenizer> = GatedStemmerFilter<T>;

    fn transform<T: tantivy::tokenizer::Tokenizer>(self, inner: T) -> GatedStemmerFilter<T> {
        GatedStemmerFilter {
            gate: self.gate,
            inner,
        }
    }
}

#[derive(Clone)]
struct GatedStemmerFilter<T> {
    gate: std::sync::Arc<rustc_hash::FxHashSet<String>>,
    inner: T,
}

impl<T: tantivy::tokenizer::Tokenizer> tantivy::tokenizer::Tokenizer for GatedStemmerFilter<T> {
    type TokenStream<'a> = GatedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        GatedStemmerStream {
            tail: self.inner.token_stream(text),
            gate: &self.gate,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

struct GatedStemmerStream<'a, T> {
    tail: T,
    gate: &'a rustc_hash::FxHashSet<String>,
    stemmer: frostem::Stemmer,
}

impl<T: tantivy::tokenizer::TokenStream> tantivy::tokenizer::TokenStream
    for GatedStemmerStream<'_, T>
{
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if self.gate.contains(gate_key(&token.text)) {
            let stemmed = self.stemmer.stem(&token.text).into_owned();
            token.text = stemmed;
        }
        true
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod snippet_tests {
    use super::*;

    #[test]
    fn the_gated_analyzer_stems_like_the_index_where_it_matters() {
        let mut gated = snippet_analyzer(&[&stem("fading"), &stem("sunlight")]);
        let text = "Fading happens slowly in strong sunlight, the dots stay";
        let got = tokens(&mut gated, text);
        let want = stems(text);
        for (g, w) in got.iter().zip(&want) {
            if w == &stem("fading") || w == &stem("sunlight") {
                assert_eq!(g, w);
            }
        }
        assert!(got.contains(&stem("fading")) && got.contains(&stem("sunlight")));
    }
}
