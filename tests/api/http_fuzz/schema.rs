//! What the fuzzer knows of the schema: read from the SDL kbql prints, so
//! new fields and arguments are fuzzed without anyone listing them.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

#[derive(Debug, Clone)]
pub enum Ty {
    Named(String, bool),
    List(Box<Ty>, bool),
}

impl Ty {
    fn from(ty: &Type) -> Ty {
        let non_null = !ty.nullable;
        match &ty.base {
            BaseType::Named(name) => Ty::Named(name.to_string(), non_null),
            BaseType::List(inner) => Ty::List(Box::new(Ty::from(inner)), non_null),
        }
    }

    pub fn named(&self) -> &str {
        match self {
            Ty::Named(name, _) => name,
            Ty::List(inner, _) => inner.named(),
        }
    }

    pub fn non_null(&self) -> bool {
        match self {
            Ty::Named(_, n) | Ty::List(_, n) => *n,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: String,
    pub ty: Ty,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub args: Vec<Arg>,
    pub ty: Ty,
}

#[derive(Debug, Default)]
pub struct Model {
    pub objects: HashMap<String, Vec<Field>>,
    pub inputs: HashMap<String, Vec<Arg>>,
    pub enums: HashMap<String, Vec<String>>,
    pub query: String,
    pub mutation: String,
}

impl Model {
    pub fn from_sdl(sdl: &str) -> Model {
        let document = parse_schema(sdl).expect("kbql's SDL parses");
        let mut model = Model {
            query: "Query".into(),
            mutation: "Mutation".into(),
            ..Model::default()
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(q) = &schema.node.query {
                        model.query = q.node.to_string();
                    }
                    if let Some(m) = &schema.node.mutation {
                        model.mutation = m.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    match ty.node.kind {
                        TypeKind::Object(object) => {
                            let fields = object
                                .fields
                                .iter()
                                .map(|f| Field {
                                    name: f.node.name.node.to_string(),
                                    args: f
                                        .node
                                        .arguments
                                        .iter()
                                        .map(|a| Arg {
                                            name: a.node.name.node.to_string(),
                                            ty: Ty::from(&a.node.ty.node),
                                        })
                                        .collect(),
                                    ty: Ty::from(&f.node.ty.node),
                                })
                                .collect();
                            model.objects.insert(name, fields);
                        }
                        TypeKind::InputObject(input) => {
                            let fields = input
                                .fields
                                .iter()
                                .map(|f| Arg {
                                    name: f.node.name.node.to_string(),
                                    ty: Ty::from(&f.node.ty.node),
                                })
                                .collect();
                            model.inputs.insert(name, fields);
                        }
                        TypeKind::Enum(e) => {
                            let values = e
                                .values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect();
                            model.enums.insert(name, values);
                        }
                        _ => {}
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        model
    }
}
