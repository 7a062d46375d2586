//! sea-orm entities for kbql's tables. The schema itself lives in the
//! `migration` crate; these types mirror it.

pub mod api_token;
pub mod audit_log;
pub mod category;
pub mod enums;
pub mod instance_secret;
pub mod outbox;
pub mod post;
pub mod post_link;
pub mod post_media;
pub mod post_tag;
pub mod post_vector;
pub mod question_photo;
pub mod replica;
pub mod search_log;
pub mod synonym_group;
pub mod tag;
pub mod tag_alias;

pub use enums::{PostKind, PostStatus, Role};
