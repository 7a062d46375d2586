//! Checks on a query's shape that depend on configuration, run on every
//! request once its document is flattened (`graphql::document`): how deep
//! its fields nest, how many aliases it executes, how many directives it
//! writes, and that a mutation did not arrive over GET. Complexity is
//! async-graphql's own limit, set in `build_schema`; it too sees the
//! flattened document.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError, ServerResult, Variables};

use super::document::{Documents, Flattened, census};
use crate::error::Error;
use crate::limits::PageSize;

/// Request data marking a request that came as GET: it may only read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnlyTransport;

/// The complexity of a list field: its children once per item asked for
/// (`first`, or the default of `size`), clamped to the page-size bounds so
/// that a bad value is reported by the resolver, not by an overflow here.
pub fn list_cost(first: Option<i32>, size: PageSize, child_complexity: usize) -> usize {
    size.clamped(first)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// The page size asked for as `argument`, or a BAD_USER_INPUT.
pub fn page_size(size: PageSize, argument: &str, asked: Option<i32>) -> Result<usize, Error> {
    size.parse(argument, asked).map_err(Error::bad_input)
}

pub struct QueryShape {
    pub max_depth: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// Shared with the HTTP layer, which flattens before executing; a
    /// request that reaches the schema any other way is flattened here.
    pub documents: Arc<Documents>,
}

impl ExtensionFactory for QueryShape {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryShapeCheck {
            max_depth: self.max_depth,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
            documents: self.documents.clone(),
        })
    }
}

struct QueryShapeCheck {
    max_depth: usize,
    max_aliases: usize,
    max_directives: usize,
    documents: Arc<Documents>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryShapeCheck {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = if request.data.contains_key(&TypeId::of::<Flattened>()) {
            request
        } else {
            self.documents.prepare(request).map_err(refusal)?.request
        };
        next.run(ctx, request).await
    }

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
        let depth = census::depth(&document);
        if depth > self.max_depth {
            return Err(refusal(Error::InvalidQuery(format!(
                "the query is nested too deep: its fields nest {depth} levels; at most {} are allowed",
                self.max_depth
            ))));
        }
        let aliases = census::aliases(&document);
        if aliases > self.max_aliases {
            return Err(refusal(Error::bad_input(format!(
                "the query uses {aliases} aliases; at most {} are allowed",
                self.max_aliases
            ))));
        }
        let directives = census::directives(&document);
        if directives > self.max_directives {
            return Err(refusal(Error::InvalidQuery(format!(
                "the query uses {directives} directives; at most {} are allowed",
                self.max_directives
            ))));
        }
        Ok(document)
    }
}

/// A ServerError for a refusal before execution, with its code.
fn refusal(err: Error) -> ServerError {
    err.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cost_multiplies_and_never_overflows() {
        let size = crate::limits::Limits::PAGE_SIZE;
        assert_eq!(list_cost(Some(10), size, 3), 31);
        assert_eq!(list_cost(None, size, 3), 61);
        assert_eq!(list_cost(Some(i32::MAX), size, usize::MAX), usize::MAX);
        assert_eq!(list_cost(Some(-5), size, 2), 3);
    }
}
