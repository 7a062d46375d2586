mod actor;
mod ask;
mod input;
mod staff;
mod synonyms;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    ask::AskMutation,
    staff::StaffMutation,
    synonyms::SynonymMutation,
);
