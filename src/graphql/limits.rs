//! Checks on a query's shape that async-graphql does not make itself: how
//! many aliases it uses, and that a mutation did not arrive over GET.
//! Depth, complexity and directives are async-graphql's own limits, set
//! in `build_schema`.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Pos, ServerError, ServerResult, Variables};

use crate::error::Error;

/// Request data marking a request that came as GET: it may only read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnlyTransport;

/// The complexity of a list field: its children once per item asked for
/// (`first`, or `default` when absent), clamped to the page-size bounds so
/// that a bad value is reported by the resolver, not by an overflow here.
pub fn list_cost(first: Option<i32>, default: i32, child_complexity: usize) -> usize {
    let items = first.unwrap_or(default).clamp(1, 100) as usize;
    items.saturating_mul(child_complexity).saturating_add(1)
}

pub struct QueryShape {
    pub max_aliases: usize,
}

impl ExtensionFactory for QueryShape {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryShapeCheck {
            max_aliases: self.max_aliases,
        })
    }
}

struct QueryShapeCheck {
    max_aliases: usize,
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryShapeCheck {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if ctx.data_opt::<ReadOnlyTransport>().is_some()
            && document
                .operations
                .iter()
                .any(|(_, op)| op.node.ty == OperationType::Mutation)
        {
            return Err(refusal(Error::MutationOverGet));
        }
        let aliases = count_aliases(&document);
        if aliases > self.max_aliases {
            return Err(refusal(Error::bad_input(format!(
                "the query uses {aliases} aliases; at most {} are allowed",
                self.max_aliases
            ))));
        }
        Ok(document)
    }
}

/// Aliases written in the document: in each operation and each fragment
/// once (a fragment spread many times is bounded by complexity instead).
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(inline) => walk(&inline.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

/// A ServerError for a refusal before execution, with its code.
fn refusal(err: Error) -> ServerError {
    async_graphql::Error::from(err).into_server_error(Pos::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_counted_in_operations_fragments_and_inline_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: posts { b: totalCount ... on PostConnection { c: totalCount } } ...F }
             fragment F on Query { d: tags { name } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 4);
    }

    #[test]
    fn list_cost_multiplies_and_never_overflows() {
        assert_eq!(list_cost(Some(10), 20, 3), 31);
        assert_eq!(list_cost(None, 20, 3), 61);
        assert_eq!(list_cost(Some(i32::MAX), 20, usize::MAX), usize::MAX);
        assert_eq!(list_cost(Some(-5), 20, 2), 3);
    }
}
