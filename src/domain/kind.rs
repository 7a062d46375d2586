//! The closed sets of values posts and tokens take. They are the
//! database's own column types (`entity::enums`), so a row holding an
//! unknown value fails where it is read.

pub use entity::{PostKind, PostStatus, Role};
