//! From query text to the document async-graphql executes, with the
//! checks that must come before anything recursive sees it.
//!
//! 1. [`nesting`]: the brackets of the text nest at most so deep;
//! 2. the parse, kept by the text (parsing costs more than answering a
//!    repeated search from the cache, and depends on nothing else);
//! 3. [`flatten`]: fragments expanded and repeated fields merged, after
//!    measuring that the expansion is bounded.
//!
//! The limits that depend on configuration (aliases, directives, depth,
//! complexity) run afterwards on the flattened document, on every request
//! (`graphql::limits`).

pub mod census;
mod field_types;
pub mod flatten;
pub mod nesting;

use std::sync::Arc;

use async_graphql::Request;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

pub use field_types::FieldTypes;

use super::response_cache::is_cacheable;
use crate::error::Error;
use crate::limits::Limits;

/// Bytes of memory counted per byte of query text (the text is kept as
/// the key, and names and values are copied from it)…
const BYTES_PER_TEXT_BYTE: u64 = 4;
/// …and per field of the flattened document, which can hold many more
/// fields than its text wrote once fragments are expanded.
const BYTES_PER_FIELD: u64 = 256;

#[derive(Clone)]
struct BySize;

impl Weighter<Arc<str>, ExecutableDocument> for BySize {
    fn weight(&self, text: &Arc<str>, document: &ExecutableDocument) -> u64 {
        let fields = census::fields(document) as u64;
        text.len() as u64 * BYTES_PER_TEXT_BYTE + fields * BYTES_PER_FIELD + 64
    }
}

/// Request data marking a request whose document went through
/// [`Documents::prepare`].
#[derive(Debug, Clone, Copy)]
pub struct Flattened;

/// Flattened documents, kept by their text.
pub struct Documents {
    cache: Cache<Arc<str>, ExecutableDocument, BySize>,
    types: FieldTypes,
}

impl Documents {
    pub fn new(types: FieldTypes) -> Self {
        Documents {
            cache: Cache::with_weighter(1_024, Limits::DOCUMENT_CACHE_BYTES, BySize),
            types,
        }
    }

    /// Hands `request` its flattened document. Text that does not parse is
    /// left for async-graphql to report as it always does; text nested
    /// too deep, or whose fragments expand too far, is refused here.
    pub fn prepare(&self, mut request: Request) -> Result<Prepared, Error> {
        let document = match self.cache.get(request.query.as_str()) {
            Some(document) => Some(document),
            None => self.flatten(&request.query)?.inspect(|document| {
                self.cache
                    .insert(Arc::from(request.query.as_str()), document.clone());
            }),
        };
        let mut cacheable = false;
        let mut mutates = false;
        if let Some(document) = document {
            cacheable = is_cacheable(&document, request.operation_name.as_deref());
            mutates = document
                .operations
                .iter()
                .any(|(_, op)| op.node.ty == OperationType::Mutation);
            request.set_parsed_query(document);
        }
        Ok(Prepared {
            request: request.data(Flattened),
            cacheable,
            mutates,
        })
    }

    /// The name of the operation `query` runs, as `prepare` saw it: the
    /// `operation_name` given, else the document's one operation's name;
    /// `None` for an unnamed operation or a document not prepared lately.
    pub fn operation_name(&self, query: &str, operation_name: Option<&str>) -> Option<String> {
        if let Some(name) = operation_name {
            return Some(name.to_owned());
        }
        let document = self.cache.get(query)?;
        let mut operations = document.operations.iter();
        match (operations.next(), operations.next()) {
            (Some((Some(name), _)), None) => Some(name.to_string()),
            _ => None,
        }
    }

    /// `None` when `text` does not parse.
    fn flatten(&self, text: &str) -> Result<Option<ExecutableDocument>, Error> {
        nesting::check(text, Limits::QUERY_NESTING).map_err(|depth| {
            Error::InvalidQuery(format!(
                "the query nests brackets {depth} deep; at most {} levels are allowed",
                Limits::QUERY_NESTING
            ))
        })?;
        let Ok(document) = parse_query(text) else {
            return Ok(None);
        };
        flatten::flatten(document, &self.types)
            .map(Some)
            .map_err(|refusal| Error::InvalidQuery(refusal.to_string()))
    }
}

/// A request ready to execute.
pub struct Prepared {
    pub request: Request,
    /// Whether its response may be kept (see `response_cache`).
    pub cacheable: bool,
    /// Whether it may write: a write is never cut short by the time limit,
    /// so that its answer can say whether it was stored.
    pub mutates: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents() -> Documents {
        Documents::new(FieldTypes::from_sdl(&crate::graphql::sdl()))
    }

    #[test]
    fn a_document_is_parsed_once_and_bad_text_is_left_alone() {
        let documents = documents();
        let mut first = documents
            .prepare(Request::new("{ __typename }"))
            .unwrap()
            .request;
        assert!(first.parsed_query().is_ok());
        assert_eq!(documents.cache.len(), 1);
        documents.prepare(Request::new("{ __typename }")).unwrap();
        assert_eq!(documents.cache.len(), 1);

        let mut broken = documents
            .prepare(Request::new("{ __typename"))
            .unwrap()
            .request;
        assert_eq!(documents.cache.len(), 1);
        assert!(broken.parsed_query().is_err());
    }

    #[test]
    fn a_kept_document_weighs_its_expanded_fields() {
        let small = "{ __typename }";
        let spreads = format!(
            "{{ ...F }} fragment F on Query {{ {} }}",
            (0..40)
                .map(|i| format!("a{i}: posts {{ totalCount }}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let parse = |t: &str| {
            flatten::flatten(
                parse_query(t).unwrap(),
                &FieldTypes::from_sdl(&crate::graphql::sdl()),
            )
            .unwrap()
        };
        let w = |t: &str| BySize.weight(&Arc::from(t), &parse(t));
        assert!(w(&spreads) >= 80 * BYTES_PER_FIELD, "{}", w(&spreads));
        assert!(w(small) < w(&spreads));
    }

    #[test]
    fn deep_text_is_refused_before_it_is_parsed() {
        let deep = format!(
            "{{ search(query: {}) {{ totalCount }} }}",
            "[".repeat(5_000)
        );
        let refused = documents().prepare(Request::new(deep)).err().unwrap();
        assert_eq!(refused.code(), "GRAPHQL_VALIDATION_FAILED");
    }
}
