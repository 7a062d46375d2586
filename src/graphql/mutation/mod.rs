mod actor;
mod ask;
mod input;
mod media_input;
mod staff;
mod synonyms;
mod tags;

use async_graphql::MergedObject;

pub use media_input::GqlMediaKind;

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    ask::AskMutation,
    staff::StaffMutation,
    synonyms::SynonymMutation,
    tags::TagMutation,
);
