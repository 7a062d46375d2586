//! Which object type each field returns, read from the schema's SDL: what
//! flattening needs to know whether a fragment applies where it is spread.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, OperationType, Type, TypeKind, TypeSystemDefinition};

pub struct FieldTypes {
    /// Object type → field → the named type the field returns.
    fields: HashMap<String, HashMap<String, String>>,
    query: String,
    mutation: Option<String>,
    subscription: Option<String>,
}

impl FieldTypes {
    /// Reads `sdl` (the schema as `kbql schema` prints it). Text that is not
    /// a schema gives an empty table: nothing is then expanded.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = FieldTypes {
            fields: HashMap::new(),
            query: "Query".to_owned(),
            mutation: None,
            subscription: None,
        };
        let Ok(document) = parse_schema(sdl) else {
            return types;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(query) = schema.query {
                        types.query = query.node.to_string();
                    }
                    types.mutation = schema.mutation.map(|m| m.node.to_string());
                    types.subscription = schema.subscription.map(|s| s.node.to_string());
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let TypeKind::Object(object) = ty.kind else {
                        continue;
                    };
                    let fields = object
                        .fields
                        .into_iter()
                        .map(|f| {
                            (
                                f.node.name.node.to_string(),
                                named(&f.node.ty.node).to_owned(),
                            )
                        })
                        .collect();
                    types.fields.insert(ty.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        if types.mutation.is_none() && types.fields.contains_key("Mutation") {
            types.mutation = Some("Mutation".to_owned());
        }
        types
    }

    /// The root type of an operation.
    pub fn root(&self, ty: OperationType) -> Option<&str> {
        match ty {
            OperationType::Query => Some(&self.query),
            OperationType::Mutation => self.mutation.as_deref(),
            OperationType::Subscription => self.subscription.as_deref(),
        }
    }

    /// The named type `field` of `parent` returns, when known.
    pub fn of(&self, parent: &str, field: &str) -> Option<&str> {
        if parent == self.query {
            match field {
                "__schema" => return Some("__Schema"),
                "__type" => return Some("__Type"),
                _ => {}
            }
        }
        self.fields.get(parent)?.get(field).map(String::as_str)
    }
}

/// `[Post!]!` → `Post`.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kbql_s_own_schema_is_read() {
        let types = FieldTypes::from_sdl(&crate::graphql::sdl());
        assert_eq!(types.root(OperationType::Query), Some("Query"));
        assert_eq!(types.root(OperationType::Mutation), Some("Mutation"));
        assert_eq!(types.of("Query", "posts"), Some("PostConnection"));
        assert_eq!(types.of("PostConnection", "nodes"), Some("Post"));
        assert_eq!(types.of("Post", "tags"), Some("Tag"));
        assert_eq!(types.of("Query", "__schema"), Some("__Schema"));
        assert_eq!(types.of("Post", "nonsense"), None);
    }
}
