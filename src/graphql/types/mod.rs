mod audit;
mod enums;
mod label;
mod media;
mod node;
mod payloads;
mod post;
mod search;

pub use audit::{AuditLogConnection, GqlAuditAction};
pub use enums::{GqlPostKind, GqlPostStatus, GqlUserErrorCode};
pub use label::{Category, Tag};
pub use media::{Link, Media, Photo};
pub use node::Node;
pub use payloads::{AskQuestionPayload, DeletePostPayload, PostPayload, UserError};
pub use post::Post;
pub use search::{Answer, QueryStat, SearchFacets, SearchHit, SearchStats, SynonymGroup, TagFacet};
