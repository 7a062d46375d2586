//! A query as execution will run it: fragments expanded where they apply,
//! and fields asked for twice under one name merged into one.
//!
//! async-graphql executes every written occurrence of a field, so
//! `{ tags { name } tags { name } … }` ran one SQL statement per copy and
//! a fragment spread fifty times ran its fields fifty times. The GraphQL
//! specification merges fields that share a response key before executing
//! them (CollectFields); doing it here makes the repeats free, and lets
//! the limits (aliases, complexity) count what will really run.
//!
//! Before anything expands, the expansion is measured: a fragment that
//! spreads another ten times, which spreads another ten times… is a few
//! hundred bytes of text and billions of fields, and every later walk
//! (async-graphql's depth check, its validation) would follow it. The
//! measure is memoised per fragment, so it is linear in the text.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

use super::field_types::FieldTypes;
use crate::limits::Limits;

/// Fields, fragment spreads and inline fragments each count a level of
/// [`Limits::EXPANDED_DEPTH`].
const MAX_EXPANDED_DEPTH: usize = Limits::EXPANDED_DEPTH;
const MAX_EXPANDED_FIELDS: usize = Limits::EXPANDED_FIELDS;

/// Why a document cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A fragment spreads itself, directly or through others.
    Cycle(String),
    /// Expanded, the selections nest deeper than [`MAX_EXPANDED_DEPTH`].
    TooDeep,
    /// Expanded, the query selects this many fields (at least).
    TooLarge(usize),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Cycle(name) => write!(f, "fragment \"{name}\" spreads itself"),
            Refusal::TooDeep => write!(
                f,
                "the query nests deeper than {MAX_EXPANDED_DEPTH} levels once its fragments are expanded"
            ),
            Refusal::TooLarge(n) => write!(
                f,
                "the query selects {n} fields once its fragments are expanded; at most {MAX_EXPANDED_FIELDS} are allowed"
            ),
        }
    }
}

/// Measures, then expands and merges. The result asks for exactly what
/// `document` asks for; where a fragment cannot be expanded safely (it
/// carries directives, or its type is not the one it is spread on) it is
/// left as written for validation to judge.
pub fn flatten(
    mut document: ExecutableDocument,
    types: &FieldTypes,
) -> Result<ExecutableDocument, Refusal> {
    measure(&document)?;
    let referenced_before = spread_names(&document);
    let expander = Expander {
        fragments: &document.fragments,
        types,
    };
    let operations = match &document.operations {
        DocumentOperations::Single(op) => {
            let mut op = op.clone();
            let root = types.root(op.node.ty);
            op.node.selection_set = expander.set(&op.node.selection_set, root);
            DocumentOperations::Single(op)
        }
        DocumentOperations::Multiple(ops) => DocumentOperations::Multiple(
            ops.iter()
                .map(|(name, op)| {
                    let mut op = op.clone();
                    let root = types.root(op.node.ty);
                    op.node.selection_set = expander.set(&op.node.selection_set, root);
                    (name.clone(), op)
                })
                .collect(),
        ),
    };
    let fragments: HashMap<Name, Positioned<FragmentDefinition>> = document
        .fragments
        .iter()
        .map(|(name, fragment)| {
            let mut fragment = fragment.clone();
            let on = fragment.node.type_condition.node.on.node.to_string();
            fragment.node.selection_set = expander.set(&fragment.node.selection_set, Some(&on));
            (name.clone(), fragment)
        })
        .collect();
    document.operations = operations;
    document.fragments = fragments;
    drop_expanded_fragments(&mut document, &referenced_before);
    Ok(document)
}

/// Fails when the expansion of the document (its operations and its
/// fragments together) is cyclic, too deep or too large.
fn measure(document: &ExecutableDocument) -> Result<(), Refusal> {
    let mut measure = Measure {
        fragments: &document.fragments,
        memo: HashMap::new(),
        visiting: HashSet::new(),
    };
    let mut total = 0usize;
    for (_, op) in document.operations.iter() {
        let (size, _) = measure.set(&op.node.selection_set.node, 0)?;
        total = total.saturating_add(size);
    }
    for (name, fragment) in &document.fragments {
        let (size, _) = measure.fragment(name, fragment, 0)?;
        total = total.saturating_add(size);
    }
    if total > MAX_EXPANDED_FIELDS {
        return Err(Refusal::TooLarge(total));
    }
    Ok(())
}

struct Measure<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Expanded (fields, depth) of each fragment measured so far.
    memo: HashMap<&'a str, (usize, usize)>,
    visiting: HashSet<&'a str>,
}

impl<'a> Measure<'a> {
    /// The expanded (fields, depth) of `set`, which sits `level` levels
    /// down. Recursion stops at the depth limit, so it stays shallow.
    fn set(&mut self, set: &'a SelectionSet, level: usize) -> Result<(usize, usize), Refusal> {
        let mut fields = 0usize;
        let mut depth = 0usize;
        for item in &set.items {
            let (f, d) = match &item.node {
                Selection::Field(field) => {
                    let children = &field.node.selection_set.node;
                    if children.items.is_empty() {
                        (1, 0)
                    } else {
                        let (f, d) = self.nested(children, level)?;
                        (f.saturating_add(1), d)
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.nested(&inline.node.selection_set.node, level)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match self.fragments.get_key_value(name) {
                        // Validation reports an unknown fragment.
                        None => (0, 0),
                        Some((name, fragment)) => {
                            let (f, d) = self.fragment(name, fragment, level + 1)?;
                            if level + 1 + d > MAX_EXPANDED_DEPTH {
                                return Err(Refusal::TooDeep);
                            }
                            (f, d + 1)
                        }
                    }
                }
            };
            fields = fields.saturating_add(f);
            depth = depth.max(d);
        }
        Ok((fields, depth))
    }

    /// A selection set one level below `level`.
    fn nested(&mut self, set: &'a SelectionSet, level: usize) -> Result<(usize, usize), Refusal> {
        if level + 1 > MAX_EXPANDED_DEPTH {
            return Err(Refusal::TooDeep);
        }
        let (f, d) = self.set(set, level + 1)?;
        Ok((f, d + 1))
    }

    /// The expanded (fields, depth) of the fragment `name`, measured once.
    fn fragment(
        &mut self,
        name: &'a Name,
        fragment: &'a Positioned<FragmentDefinition>,
        level: usize,
    ) -> Result<(usize, usize), Refusal> {
        if let Some(known) = self.memo.get(name.as_str()) {
            return Ok(*known);
        }
        if !self.visiting.insert(name.as_str()) {
            return Err(Refusal::Cycle(name.to_string()));
        }
        let measured = self.set(&fragment.node.selection_set.node, level)?;
        self.visiting.remove(name.as_str());
        self.memo.insert(name.as_str(), measured);
        Ok(measured)
    }
}

struct Expander<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    types: &'a FieldTypes,
}

impl Expander<'_> {
    /// `set`, on an object of type `parent` (when known), expanded and
    /// merged, its fields' selections too.
    fn set(
        &self,
        set: &Positioned<SelectionSet>,
        parent: Option<&str>,
    ) -> Positioned<SelectionSet> {
        let mut collected = Vec::with_capacity(set.node.items.len());
        self.collect(&set.node.items, parent, &mut collected);
        let merged = merge(collected);
        let items = merged
            .into_iter()
            .map(|mut item| {
                match &mut item.node {
                    Selection::Field(field) if !field.node.selection_set.node.items.is_empty() => {
                        let child = parent.and_then(|p| self.types.of(p, &field.node.name.node));
                        field.node.selection_set = self.set(&field.node.selection_set, child);
                    }
                    Selection::InlineFragment(inline) => {
                        let on = inline
                            .node
                            .type_condition
                            .as_ref()
                            .map(|c| c.node.on.node.to_string());
                        let ty = on.as_deref().or(parent);
                        inline.node.selection_set = self.set(&inline.node.selection_set, ty);
                    }
                    _ => {}
                }
                item
            })
            .collect();
        Positioned::new(SelectionSet { items }, set.pos)
    }

    /// Appends `items` to `out`, with the selections of fragments that
    /// apply to `parent` unconditionally in place of the fragments.
    fn collect(
        &self,
        items: &[Positioned<Selection>],
        parent: Option<&str>,
        out: &mut Vec<Positioned<Selection>>,
    ) {
        for item in items {
            match &item.node {
                Selection::FragmentSpread(spread) if spread.node.directives.is_empty() => {
                    match self.fragments.get(&spread.node.fragment_name.node) {
                        Some(fragment)
                            if fragment.node.directives.is_empty()
                                && parent
                                    == Some(fragment.node.type_condition.node.on.node.as_str()) =>
                        {
                            self.collect(&fragment.node.selection_set.node.items, parent, out);
                        }
                        _ => out.push(item.clone()),
                    }
                }
                Selection::InlineFragment(inline)
                    if inline.node.directives.is_empty()
                        && inline.node.type_condition.as_ref().is_none_or(|c| {
                            parent.is_some_and(|p| c.node.on.node.as_str() == p)
                        }) =>
                {
                    self.collect(&inline.node.selection_set.node.items, parent, out);
                }
                _ => out.push(item.clone()),
            }
        }
    }
}

/// Merges fields that share a response key, a name, arguments and
/// directives (their selections are concatenated) and drops repeated
/// identical fragment spreads. Fields that share a key but differ are
/// kept apart, for validation to refuse.
fn merge(items: Vec<Positioned<Selection>>) -> Vec<Positioned<Selection>> {
    let mut out: Vec<Positioned<Selection>> = Vec::with_capacity(items.len());
    let mut by_key: HashMap<Name, Vec<usize>> = HashMap::new();
    let mut spreads: HashMap<Name, Vec<usize>> = HashMap::new();
    for item in items {
        match item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let same = by_key.get(&key).and_then(|at| {
                    at.iter().copied().find(|&i| match &out[i].node {
                        Selection::Field(earlier) => same_field(&earlier.node, &field.node),
                        _ => false,
                    })
                });
                match same {
                    Some(i) => {
                        if let Selection::Field(earlier) = &mut out[i].node {
                            earlier
                                .node
                                .selection_set
                                .node
                                .items
                                .extend(field.node.selection_set.node.items);
                        }
                    }
                    None => {
                        by_key.entry(key).or_default().push(out.len());
                        out.push(Positioned::new(Selection::Field(field), item.pos));
                    }
                }
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.clone();
                let repeated = spreads.get(&name).is_some_and(|at: &Vec<usize>| {
                    at.iter().any(|&i| match &out[i].node {
                        Selection::FragmentSpread(e) => {
                            same_directives(&e.node.directives, &spread.node.directives)
                        }
                        _ => false,
                    })
                });
                if !repeated {
                    spreads.entry(name).or_default().push(out.len());
                    out.push(Positioned::new(Selection::FragmentSpread(spread), item.pos));
                }
            }
            node @ Selection::InlineFragment(_) => out.push(Positioned::new(node, item.pos)),
        }
    }
    out
}

/// Whether two fields with one response key run the same resolver with
/// the same input (arguments in any order).
fn same_field(a: &Field, b: &Field) -> bool {
    a.name.node == b.name.node
        && same_arguments(&a.arguments, &b.arguments)
        && same_directives(&a.directives, &b.directives)
}

fn same_arguments<V: PartialEq>(
    a: &[(Positioned<Name>, Positioned<V>)],
    b: &[(Positioned<Name>, Positioned<V>)],
) -> bool {
    a.len() == b.len()
        && a.iter().all(|(name, value)| {
            b.iter()
                .any(|(other, v)| other.node == name.node && v.node == value.node)
        })
}

fn same_directives(
    a: &[Positioned<async_graphql::parser::types::Directive>],
    b: &[Positioned<async_graphql::parser::types::Directive>],
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.node.name.node == y.node.name.node
                && same_arguments(&x.node.arguments, &y.node.arguments)
        })
}

/// Every fragment name spread anywhere in `document`.
fn spread_names(document: &ExecutableDocument) -> HashSet<Name> {
    let mut names = HashSet::new();
    for (_, op) in document.operations.iter() {
        spreads_in(&op.node.selection_set.node, &mut names);
    }
    for fragment in document.fragments.values() {
        spreads_in(&fragment.node.selection_set.node, &mut names);
    }
    names
}

fn spreads_in(set: &SelectionSet, names: &mut HashSet<Name>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => spreads_in(&field.node.selection_set.node, names),
            Selection::InlineFragment(inline) => spreads_in(&inline.node.selection_set.node, names),
            Selection::FragmentSpread(spread) => {
                names.insert(spread.node.fragment_name.node.clone());
            }
        }
    }
}

/// Removes the fragments that were spread before expansion and no longer
/// are. A fragment nobody spread stays, so that validation still reports
/// it as unused.
fn drop_expanded_fragments(document: &mut ExecutableDocument, referenced_before: &HashSet<Name>) {
    loop {
        let still = spread_names(document);
        let before = document.fragments.len();
        document
            .fragments
            .retain(|name, _| !referenced_before.contains(name) || still.contains(name));
        if document.fragments.len() == before {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn types() -> FieldTypes {
        FieldTypes::from_sdl(
            "schema { query: Q }
             type Q { posts(first: Int): Conn  tags: [Tag!]!  post(id: ID): P }
             type Conn { nodes: [P!]!  totalCount: Int }
             type P { id: ID  title: String  tags: [Tag!]! }
             type Tag { name: String }",
        )
    }

    fn flat(query: &str) -> Result<ExecutableDocument, Refusal> {
        flatten(parse_query(query).unwrap(), &types())
    }

    /// The document printed back as `name{…}` text, for comparisons.
    fn shape(doc: &ExecutableDocument) -> String {
        fn set(s: &SelectionSet) -> String {
            s.items
                .iter()
                .map(|i| match &i.node {
                    Selection::Field(f) => {
                        let key = f.node.response_key().node.as_str();
                        let inner = &f.node.selection_set.node;
                        if inner.items.is_empty() {
                            key.to_owned()
                        } else {
                            format!("{key}{{{}}}", set(inner))
                        }
                    }
                    Selection::FragmentSpread(s) => format!("...{}", s.node.fragment_name.node),
                    Selection::InlineFragment(f) => {
                        format!("...{{{}}}", set(&f.node.selection_set.node))
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        let (_, op) = doc.operations.iter().next().unwrap();
        set(&op.node.selection_set.node)
    }

    #[test]
    fn repeated_fields_run_once() {
        let many = format!("{{ {} }}", "tags { name } ".repeat(650));
        assert_eq!(shape(&flat(&many).unwrap()), "tags{name}");
        let nested =
            "{ posts { nodes { id } } posts { nodes { title tags { name } } totalCount } }";
        assert_eq!(
            shape(&flat(nested).unwrap()),
            "posts{nodes{id title tags{name}} totalCount}"
        );
    }

    #[test]
    fn fragments_that_apply_are_expanded_and_merged() {
        let doc = flat(
            "{ posts { nodes { ...F ...F id ... on P { title } } } }
             fragment F on P { id title tags { name } }",
        )
        .unwrap();
        assert_eq!(shape(&doc), "posts{nodes{id title tags{name}}}");
        assert!(doc.fragments.is_empty(), "F was expanded everywhere");
    }

    #[test]
    fn aliases_and_differing_arguments_stay_apart() {
        let doc = flat(
            "{ a: post(id: 1) { id } b: post(id: 2) { id } post(id: 3) { id } post(id: 4) { id } }",
        )
        .unwrap();
        assert_eq!(shape(&doc), "a{id} b{id} post{id} post{id}");
        let same = flat("{ post(id: 1) { id } post(id: 1) { title } }").unwrap();
        assert_eq!(shape(&same), "post{id title}");
    }

    #[test]
    fn conditional_and_misplaced_fragments_are_left_for_validation() {
        let doc = flat(
            "query($x: Boolean!) { posts { nodes { ...F @include(if: $x) } } tags { ...F } ...Unused2 }
             fragment F on P { id }
             fragment Unused on P { id }",
        )
        .unwrap();
        assert_eq!(shape(&doc), "posts{nodes{...F}} tags{...F} ...Unused2");
        assert!(doc.fragments.contains_key("F"));
        assert!(
            doc.fragments.contains_key("Unused"),
            "still reported as unused"
        );
    }

    #[test]
    fn fragment_bombs_are_measured_before_they_expand() {
        let mut text = String::from("{ ...F0 }");
        for i in 0..20 {
            let spreads = format!("...F{} ", i + 1).repeat(10);
            text.push_str(&format!(" fragment F{i} on Q {{ {spreads} }}"));
        }
        text.push_str(" fragment F20 on Q { tags { name } }");
        assert!(
            matches!(flat(&text), Err(Refusal::TooLarge(_))),
            "10^20 fields"
        );

        let cycle = "{ ...A } fragment A on Q { ...B } fragment B on Q { ...A }";
        assert!(matches!(flat(cycle), Err(Refusal::Cycle(_))));

        let mut chain = String::from("{ ...C0 }");
        for i in 0..40 {
            chain.push_str(&format!(" fragment C{i} on Q {{ ...C{} }}", i + 1));
        }
        chain.push_str(" fragment C40 on Q { tags { name } }");
        assert_eq!(flat(&chain).unwrap_err(), Refusal::TooDeep);
    }

    #[test]
    fn a_flattened_document_flattens_to_itself() {
        let once =
            flat("{ posts { nodes { ...F } } } fragment F on P { id tags { name } }").unwrap();
        let twice = flatten(once.clone(), &types()).unwrap();
        assert_eq!(shape(&once), shape(&twice));
    }
}
