//! Whole responses to public searches, kept while the index and the
//! synonyms stay as they are.
//!
//! A search box sends the same few requests over and over: every visitor
//! who types "how much" sends the same keystrokes. The result cache spares
//! such a repeat the search, but not GraphQL's validation and execution
//! nor the JSON encoding, which then cost several times the search. Here a
//! repeat is answered with the bytes of the first answer.
//!
//! Only what is safe to repeat is kept:
//! - requests without credentials (staff see what the public does not);
//! - queries that select only fields whose values follow from the index
//!   generation: search results and the post rows they show (see
//!   [`CACHEABLE_FIELDS`]); a tag, a category or related posts are read
//!   afresh, so a query that asks for them is never kept;
//! - responses without errors.
//!
//! Serving a kept response still does what the first one did besides
//! computing: it draws on the client's search quota and logs each search
//! for the analytics (see [`Replay`]).

use std::sync::{Arc, Mutex};

use async_graphql::Request;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use axum::body::Bytes;

use crate::cache::{Generation, Keyed, ResultCache, Weigh, string_bytes};
use crate::search::SearchParams;

/// The query root's type name in the schema.
const QUERY_ROOT: &str = "Query";

/// (type, field, the field's object type or `None` for a leaf): the fields
/// a kept response may hold. Each is computed from the search index, or
/// read from the post's own row, which the index generation moves with
/// (every post write reaches the index through the outbox).
pub const CACHEABLE_FIELDS: &[(&str, &str, Option<&str>)] = &[
    (QUERY_ROOT, "search", Some("SearchConnection")),
    (QUERY_ROOT, "similarQuestions", Some("SearchHit")),
    ("SearchConnection", "totalCount", None),
    ("SearchConnection", "edges", Some("SearchEdge")),
    ("SearchConnection", "nodes", Some("SearchHit")),
    ("SearchConnection", "pageInfo", Some("PageInfo")),
    ("SearchConnection", "didYouMean", None),
    ("SearchEdge", "cursor", None),
    ("SearchEdge", "node", Some("SearchHit")),
    ("SearchHit", "score", None),
    ("SearchHit", "post", Some("Post")),
    ("SearchHit", "highlights", Some("Highlight")),
    ("Highlight", "field", None),
    ("Highlight", "snippet", None),
    ("Highlight", "fragment", None),
    ("Highlight", "ranges", Some("HighlightRange")),
    ("HighlightRange", "start", None),
    ("HighlightRange", "end", None),
    ("PageInfo", "hasNextPage", None),
    ("PageInfo", "hasPreviousPage", None),
    ("PageInfo", "startCursor", None),
    ("PageInfo", "endCursor", None),
    ("Post", "id", None),
    ("Post", "slug", None),
    ("Post", "kind", None),
    ("Post", "status", None),
    ("Post", "title", None),
    ("Post", "question", None),
    ("Post", "answer", None),
    ("Post", "askedBy", None),
    ("Post", "answeredBy", None),
    ("Post", "publishedAt", None),
    ("Post", "createdAt", None),
    ("Post", "updatedAt", None),
];

/// Fragments nest no deeper than this in a document worth keeping.
const MAX_NESTING: usize = 16;

/// Whether the response to `operation_name` in `document` may be kept:
/// a query selecting [`CACHEABLE_FIELDS`] only, through fragments too.
pub fn is_cacheable(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    // Picked as async-graphql picks it; where it would refuse, so do we.
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), None) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return false,
        },
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().expect("one operation")
        }
        _ => return false,
    };
    let root = &operation.node.selection_set.node;
    operation.node.ty == OperationType::Query
        && searches(document, root, 0)
        && selects_cacheable(document, root, QUERY_ROOT, 0)
}

/// Whether a root selection runs a search: only searches are worth
/// keeping, and only they move with the index generation.
fn searches(doc: &ExecutableDocument, root: &SelectionSet, depth: usize) -> bool {
    depth <= MAX_NESTING
        && root.items.iter().any(|selection| match &selection.node {
            Selection::Field(field) => field.node.name.node != "__typename",
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|f| searches(doc, &f.node.selection_set.node, depth + 1)),
            Selection::InlineFragment(inline) => {
                searches(doc, &inline.node.selection_set.node, depth + 1)
            }
        })
}

fn selects_cacheable(doc: &ExecutableDocument, set: &SelectionSet, ty: &str, depth: usize) -> bool {
    if depth > MAX_NESTING {
        return false;
    }
    set.items.iter().all(|selection| match &selection.node {
        Selection::Field(field) => {
            let name = field.node.name.node.as_str();
            if name == "__typename" {
                return true;
            }
            match CACHEABLE_FIELDS
                .iter()
                .find(|(on, f, _)| *on == ty && *f == name)
            {
                None => false,
                Some((_, _, None)) => true,
                Some((_, _, Some(child))) => {
                    selects_cacheable(doc, &field.node.selection_set.node, child, depth + 1)
                }
            }
        }
        Selection::FragmentSpread(spread) => doc
            .fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|fragment| {
                fragment.node.type_condition.node.on.node == ty
                    && selects_cacheable(doc, &fragment.node.selection_set.node, ty, depth + 1)
            }),
        Selection::InlineFragment(inline) => {
            inline
                .node
                .type_condition
                .as_ref()
                .is_none_or(|c| c.node.on.node == ty)
                && selects_cacheable(doc, &inline.node.selection_set.node, ty, depth + 1)
        }
    })
}

/// A request exactly as it will be executed, under the generation it is
/// answered from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResponseKey {
    generation: Generation,
    request: Box<str>,
}

impl ResponseKey {
    /// `None` for requests that carry more than text and variables.
    pub fn new(generation: Generation, request: &Request) -> Option<Self> {
        if !request.extensions.0.is_empty() || !request.uploads.is_empty() {
            return None;
        }
        let variables = serde_json::to_string(&request.variables).ok()?;
        let name = request.operation_name.as_deref().unwrap_or("");
        // NUL cannot occur in an operation name, so the parts cannot run
        // into each other.
        let text = [name, "\0", &variables, "\0", &request.query].concat();
        Some(ResponseKey {
            generation,
            request: text.into_boxed_str(),
        })
    }
}

impl Keyed for ResponseKey {
    fn generation(&self) -> Generation {
        self.generation
    }

    fn weight(&self) -> u64 {
        std::mem::size_of::<Self>() as u64 + string_bytes(&self.request)
    }
}

/// What answering a request did besides computing its response, recorded
/// while it runs so that a kept response can do it again.
#[derive(Debug, Default)]
pub struct Recorded {
    /// Units drawn from the caller's search quota.
    pub search_quota: u32,
    /// Searches logged for the analytics, with the matches each found.
    pub searches: Vec<(SearchParams, usize)>,
}

/// The recorder a cacheable request carries in its data.
#[derive(Clone, Default)]
pub struct Replay(Arc<Mutex<Recorded>>);

impl Replay {
    pub fn drew_search_quota(&self) {
        if let Ok(mut r) = self.0.lock() {
            r.search_quota += 1;
        }
    }

    pub fn logged_search(&self, params: &SearchParams, total: usize) {
        if let Ok(mut r) = self.0.lock() {
            r.searches.push((params.clone(), total));
        }
    }

    /// What was recorded; `None` while a resolver still holds the recorder.
    pub fn into_recorded(self) -> Option<Recorded> {
        Arc::into_inner(self.0)?.into_inner().ok()
    }
}

/// A kept response: its JSON body and what serving it again must redo.
#[derive(Clone)]
pub struct CachedResponse {
    pub body: Bytes,
    pub replay: Arc<Recorded>,
}

impl Weigh for CachedResponse {
    fn weight(&self) -> u64 {
        let searches: u64 = self
            .replay
            .searches
            .iter()
            .map(|(p, _)| {
                let filters = p.filters.tags.iter().chain(&p.filters.category);
                std::mem::size_of::<SearchParams>() as u64
                    + string_bytes(&p.text)
                    + filters.map(|f| string_bytes(f)).sum::<u64>()
            })
            .sum();
        self.body.len() as u64 + searches + 64
    }
}

pub type ResponseCache = ResultCache<ResponseKey, CachedResponse>;

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn cacheable(query: &str, operation: Option<&str>) -> bool {
        is_cacheable(&parse_query(query).unwrap(), operation)
    }

    #[test]
    fn search_results_and_post_rows_may_be_kept() {
        assert!(cacheable(
            "query($q: String!) { search(query: $q, first: 10) { totalCount \
             edges { cursor node { score post { id slug title publishedAt } \
             highlights { field snippet ranges { start end } } } } \
             pageInfo { hasNextPage endCursor } didYouMean __typename } }",
            None
        ));
        assert!(cacheable(
            "{ similarQuestions(text: \"fade\") { post { title } } }",
            None
        ));
    }

    #[test]
    fn anything_read_outside_the_post_row_is_not_kept() {
        for query in [
            "{ search(query: \"fade\") { edges { node { post { tags { name } } } } } }",
            "{ search(query: \"fade\") { edges { node { post { category { name } } } } } }",
            "{ search(query: \"fade\") { nodes { post { relatedPosts { title } } } } }",
            "{ search(query: \"fade\") { facets { tags { name count } } } }",
            "{ search(query: \"fade\") { totalCount } posts { totalCount } }",
            "{ answer(question: \"does it fade\") { text } }",
            "{ __schema { types { name } } }",
            "{ __typename }",
            "mutation { askQuestion(input: {question: \"Does it fade?\"}) { question { id } } }",
        ] {
            assert!(!cacheable(query, None), "{query}");
        }
    }

    #[test]
    fn fragments_are_followed_and_must_fit_where_they_are_spread() {
        let spread = "query { search(query: \"fade\") { nodes { ...Hit } } } \
                      fragment Hit on SearchHit { score post { title } }";
        assert!(cacheable(spread, None));
        let leaky = "query { search(query: \"fade\") { nodes { ...Hit } } } \
                     fragment Hit on SearchHit { post { tags { name } } }";
        assert!(!cacheable(leaky, None));
        let inline = "{ search(query: \"fade\") { nodes { ... on SearchHit { score } } } }";
        assert!(cacheable(inline, None));
        let elsewhere = "{ search(query: \"fade\") { nodes { ... on Post { title } } } }";
        assert!(!cacheable(elsewhere, None));
    }

    #[test]
    fn the_operation_is_picked_by_name() {
        let two = "query A { search(query: \"fade\") { totalCount } } \
                   query B { posts { totalCount } }";
        assert!(cacheable(two, Some("A")));
        assert!(!cacheable(two, Some("B")));
        assert!(!cacheable(two, None), "ambiguous: async-graphql refuses it");
        assert!(!cacheable(two, Some("C")));
        let one = "query Search { search(query: \"fade\") { totalCount } }";
        assert!(cacheable(one, None));
        assert!(cacheable(one, Some("Search")));
    }

    /// The list names real fields: a renamed field must not leave a stale
    /// entry behind (nor a new one slip in under an old name).
    #[test]
    fn every_listed_field_is_in_the_schema() {
        let sdl = crate::graphql::sdl();
        for (ty, field, child) in CACHEABLE_FIELDS {
            // `type Post {` or `type Post implements Node {`.
            let body = sdl
                .split(&format!("\ntype {ty} "))
                .nth(1)
                .and_then(|rest| rest.split_once('{'))
                .and_then(|(_, rest)| rest.split("\n}").next())
                .unwrap_or_else(|| panic!("type {ty} is not in the schema"));
            let declared = body.lines().map(str::trim).find(|l| {
                l.strip_prefix(field)
                    .is_some_and(|r| r.starts_with(':') || r.starts_with('('))
            });
            let declared = declared.unwrap_or_else(|| panic!("{ty}.{field} is not in the schema"));
            if let Some(child) = child {
                assert!(declared.contains(child), "{ty}.{field}: {declared}");
            }
        }
    }

    #[test]
    fn a_key_holds_the_whole_request() {
        let g = Generation {
            index: 1,
            synonyms: 0,
            vectors: 0,
        };
        let q = "query($q: String!) { search(query: $q) { totalCount } }";
        let with = |v: serde_json::Value| {
            Request::new(q).variables(async_graphql::Variables::from_json(v))
        };
        let a = ResponseKey::new(g, &with(serde_json::json!({"q": "fade"}))).unwrap();
        let b = ResponseKey::new(g, &with(serde_json::json!({"q": "fades"}))).unwrap();
        assert_ne!(a, b);
        assert_eq!(
            a,
            ResponseKey::new(g, &with(serde_json::json!({"q": "fade"}))).unwrap()
        );
        let named = with(serde_json::json!({"q": "fade"})).operation_name("A");
        assert_ne!(a, ResponseKey::new(g, &named).unwrap());
    }
}
