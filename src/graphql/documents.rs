//! Parsed query documents, kept by their text.
//!
//! Clients send the same few operations over and over (a search box sends
//! one query text with new variables on every keystroke), and parsing a
//! document costs more than answering it from the result cache. A parsed
//! document depends on nothing but its text, so it never goes stale.
//! Validation, depth, complexity and the other limits still run on every
//! request: only the parse is saved.

use std::sync::Arc;

use async_graphql::Request;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::response_cache::is_cacheable;

/// How much memory the parsed documents may take, by the length of their
/// text (a parsed document is a few times its text).
const BUDGET_BYTES: u64 = 4 << 20;
/// Bytes of memory counted per byte of query text.
const BYTES_PER_TEXT_BYTE: u64 = 8;

#[derive(Clone)]
struct ByTextLength;

impl Weighter<Arc<str>, ExecutableDocument> for ByTextLength {
    fn weight(&self, text: &Arc<str>, _: &ExecutableDocument) -> u64 {
        (text.len() as u64 * BYTES_PER_TEXT_BYTE).max(1)
    }
}

pub struct ParsedDocuments {
    cache: Cache<Arc<str>, ExecutableDocument, ByTextLength>,
}

impl ParsedDocuments {
    pub fn new() -> Self {
        ParsedDocuments {
            cache: Cache::with_weighter(1_024, BUDGET_BYTES, ByTextLength),
        }
    }

    /// Hands `request` its parsed document when its text parses. Text that
    /// does not parse is left for async-graphql to report as it always
    /// does, and is not kept.
    pub fn prepare(&self, mut request: Request) -> Prepared {
        let document = match self.cache.get(request.query.as_str()) {
            Some(document) => Some(document),
            None => parse_query(&request.query).ok().inspect(|document| {
                self.cache
                    .insert(Arc::from(request.query.as_str()), document.clone());
            }),
        };
        let cacheable = document.is_some_and(|document| {
            let cacheable = is_cacheable(&document, request.operation_name.as_deref());
            request.set_parsed_query(document);
            cacheable
        });
        Prepared { request, cacheable }
    }
}

/// A request ready to execute.
pub struct Prepared {
    pub request: Request,
    /// Whether its response may be kept (see `response_cache`).
    pub cacheable: bool,
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_parsed_once_and_bad_text_is_left_alone() {
        let documents = ParsedDocuments::new();
        let mut first = documents.prepare(Request::new("{ __typename }")).request;
        assert!(first.parsed_query().is_ok());
        assert_eq!(documents.cache.len(), 1);
        documents.prepare(Request::new("{ __typename }"));
        assert_eq!(documents.cache.len(), 1);

        let mut broken = documents.prepare(Request::new("{ __typename")).request;
        assert_eq!(documents.cache.len(), 1);
        assert!(broken.parsed_query().is_err());
    }
}
