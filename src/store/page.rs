use chrono::{DateTime, Utc};

/// A position in a listing ordered by (timestamp, id). Clients see it
/// sealed (`graphql::ids`), since it holds a post's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

/// Which slice of a listing to read: `limit` items after `after`, or the
/// `limit` items just before `before` when reading backwards; `offset`
/// items are skipped first (numbered pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u64,
    pub offset: u64,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    pub backward: bool,
}

/// One page of a listing, in listing order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// More items exist beyond this page in the reading direction.
    pub has_more: bool,
}
