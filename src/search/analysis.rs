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

/// Splits text into folded words, as the vocabulary field holds them.
pub fn words(text: &str) -> Vec<String> {
    tokens(&mut plain_analyzer(), text)
}

/// Folded, stemmed form of text, as the scored fields hold it.
pub fn stems(text: &str) -> Vec<String> {
    tokens(&mut stemmed_analyzer(), text)
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

/// Words that carry no topic in a visitor's question. They still score
/// through BM25 (where their low IDF keeps them quiet) but they neither
/// count towards how much of a query a post covers nor get expanded.
pub fn is_stop_word(word: &str) -> bool {
    const STOP: &[&str] = &[
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "been", "before", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
        "get", "got", "had", "has", "have", "having", "he", "her", "his", "how", "i", "if", "in",
        "into", "is", "it", "its", "just", "me", "my", "no", "not", "of", "on", "or", "our", "she",
        "should", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "to", "too", "up", "us", "was", "we", "were", "what", "when", "where",
        "which", "who", "why", "will", "with", "would", "you", "your", "s", "t",
    ];
    STOP.contains(&word)
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
