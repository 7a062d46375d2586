//! Counts of what a flattened document asks for, for the limits that
//! depend on configuration: aliases as they will execute (a fragment
//! spread three times brings its aliases three times) and directives
//! wherever they are written.

use std::collections::HashMap;

use async_graphql::parser::types::{
    Directive, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

/// Aliased fields the document's operations will execute, fragments
/// expanded. The document must have passed [`super::flatten`], which
/// bounds the expansion.
pub fn aliases(document: &ExecutableDocument) -> usize {
    let mut counter = AliasCounter {
        fragments: &document.fragments,
        memo: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, op)| counter.set(&op.node.selection_set.node))
        .fold(0, usize::saturating_add)
}

struct AliasCounter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    memo: HashMap<&'a str, usize>,
}

impl<'a> AliasCounter<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => usize::from(field.node.alias.is_some())
                    .saturating_add(self.set(&field.node.selection_set.node)),
                Selection::InlineFragment(inline) => self.set(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    match self
                        .fragments
                        .get_key_value(&spread.node.fragment_name.node)
                    {
                        None => 0,
                        Some((name, fragment)) => {
                            if let Some(n) = self.memo.get(name.as_str()) {
                                return *n;
                            }
                            let n = self.set(&fragment.node.selection_set.node);
                            self.memo.insert(name.as_str(), n);
                            n
                        }
                    }
                }
            })
            .fold(0, usize::saturating_add)
    }
}

/// How deeply the operations' fields nest, fragments expanded: a field
/// counts one level, leaves included. Introspection (`__schema`, `__type`)
/// is left out: its shape is the schema's, and the playground's own query
/// nests deeper than any page of posts needs to.
pub fn depth(document: &ExecutableDocument) -> usize {
    let mut counter = DepthCounter {
        fragments: &document.fragments,
        memo: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, op)| counter.set(&op.node.selection_set.node))
        .max()
        .unwrap_or(0)
}

struct DepthCounter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    memo: HashMap<&'a str, usize>,
}

impl<'a> DepthCounter<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => match field.node.name.node.as_str() {
                    "__schema" | "__type" => 0,
                    _ => 1 + self.set(&field.node.selection_set.node),
                },
                Selection::InlineFragment(inline) => self.set(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    match self
                        .fragments
                        .get_key_value(&spread.node.fragment_name.node)
                    {
                        None => 0,
                        Some((name, fragment)) => {
                            if let Some(n) = self.memo.get(name.as_str()) {
                                return *n;
                            }
                            let n = self.set(&fragment.node.selection_set.node);
                            self.memo.insert(name.as_str(), n);
                            n
                        }
                    }
                }
            })
            .max()
            .unwrap_or(0)
    }
}

/// Fields written in the document's operations and fragments (after
/// flattening, what is kept of it).
pub fn fields(document: &ExecutableDocument) -> usize {
    fn set(s: &SelectionSet) -> usize {
        s.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => 1 + set(&f.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
                Selection::InlineFragment(i) => set(&i.node.selection_set.node),
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| set(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| set(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

/// Directives written anywhere in the document: on operations, variable
/// definitions, fields, fragment spreads, inline fragments and fragment
/// definitions.
pub fn directives(document: &ExecutableDocument) -> usize {
    fn set(s: &SelectionSet) -> usize {
        s.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) => f.node.directives.len() + set(&f.node.selection_set.node),
                Selection::FragmentSpread(s) => s.node.directives.len(),
                Selection::InlineFragment(i) => {
                    i.node.directives.len() + set(&i.node.selection_set.node)
                }
            })
            .sum()
    }
    fn written(d: &[Positioned<Directive>]) -> usize {
        d.len()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| {
            written(&op.node.directives)
                + op.node
                    .variable_definitions
                    .iter()
                    .map(|v| written(&v.node.directives))
                    .sum::<usize>()
                + set(&op.node.selection_set.node)
        })
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| written(&f.node.directives) + set(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn aliases_count_once_per_execution() {
        let doc = parse_query(
            "{ a: x b: x ...F c: y { ...F } }
             fragment F on T { d: z e: z }",
        )
        .unwrap();
        // a, b, c, and d, e twice.
        assert_eq!(aliases(&doc), 7);
    }

    #[test]
    fn depth_counts_fields_through_fragments_but_not_introspection() {
        let doc = parse_query(
            "{ a { b { c } } ...F __schema { types { fields { type { ofType { name } } } } } }
             fragment F on T { d { ... on U { e { f { g } } } } }",
        )
        .unwrap();
        assert_eq!(depth(&doc), 4);
    }

    #[test]
    fn directives_count_wherever_they_stand() {
        let doc = parse_query(
            "query Q($v: Int @a) @b @c { x @d ...F @e ... @f { y @g } }
             fragment F on T @h { z @i }",
        )
        .unwrap();
        assert_eq!(directives(&doc), 9);
    }
}
