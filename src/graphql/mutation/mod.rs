mod ask;
mod input;
mod staff;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct MutationRoot(ask::AskMutation, staff::StaffMutation);
