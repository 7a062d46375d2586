//! Every documented limit, in one place; the README's "Limits" table and
//! SECURITY.md mirror this file. Limits with a flag (`kbql serve --help`)
//! have their defaults here; the rest are fixed because they protect the
//! process itself.

/// Limits on what is stored and what is asked.
pub struct Limits;

impl Limits {
    // ----- Stored text, in characters (Unicode scalar values, trimmed) -----
    pub const QUESTION: usize = 5_000;
    pub const ANSWER: usize = 50_000;
    pub const TITLE: usize = 200;
    pub const DISPLAY_NAME: usize = 80;
    pub const EMAIL: usize = 254;
    pub const TAG: usize = 50;
    pub const TAGS_PER_POST: usize = 20;
    pub const CATEGORY: usize = 80;
    pub const SLUG: usize = 100;
    /// Videos and images on one post, and links on one post.
    pub const MEDIA_PER_POST: usize = 10;
    pub const LINKS_PER_POST: usize = 10;
    /// A media or link URL, in bytes.
    pub const URL: usize = 2_000;
    pub const CAPTION: usize = 200;
    /// A photo sent with a question: JPEG, PNG or WebP, read from its bytes.
    pub const PHOTO_BYTES: usize = 5 << 20;
    /// Terms in one synonym group (at least 2), and the length of each.
    pub const SYNONYM_TERMS: usize = 20;
    pub const SYNONYM_TERM: usize = 60;

    /// Tags `mergeTags` folds into one in a single call.
    pub const TAGS_PER_MERGE: usize = 20;

    // ----- Searching -----
    /// A search query, an `answer` question or a `similarQuestions` text.
    pub const SEARCH_TEXT: usize = 500;
    /// Words of a query past this many are ignored: no real question needs
    /// more, and it bounds the cost of a pasted essay.
    pub const SEARCH_WORDS: usize = 32;
    /// Results can be paged through this far; past it a query should be
    /// refined, not paged.
    pub const RESULT_WINDOW: usize = 1_000;

    /// Numbered pages (`posts(page:)`) reach this many posts deep, page
    /// times size; past it, walk on with cursors. An offset makes the
    /// database step over every post before it, so the depth is bounded.
    pub const PAGE_DEPTH: u64 = 10_000;

    // ----- Page sizes (`first`, `last`) -----
    pub const PAGE_SIZE: PageSize = PageSize {
        default: 20,
        max: 100,
    };
    pub const SEARCH_PAGE_SIZE: PageSize = PageSize {
        default: 10,
        max: 100,
    };
    /// `similarQuestions` and `relatedPosts`.
    pub const SIMILAR_PAGE_SIZE: PageSize = PageSize {
        default: 5,
        max: 20,
    };

    // ----- The shape of a query (fixed) -----
    /// Nesting of `{`, `[` and `(` in query text.
    pub const QUERY_NESTING: usize = 64;
    /// Fields once fragments are expanded, operations and fragments
    /// together.
    pub const EXPANDED_FIELDS: usize = 2_000;
    /// Nesting of selections once fragments are expanded; async-graphql's
    /// own recursion limit.
    pub const EXPANDED_DEPTH: usize = 32;
    /// Errors one response carries, and one more saying how many more.
    pub const ERRORS_PER_RESPONSE: usize = 20;
    /// Subscriptions one WebSocket connection may hold at once.
    pub const SUBSCRIPTIONS_PER_CONNECTION: usize = 20;
    /// A WebSocket connection that sends no `connection_init` within this
    /// long is closed.
    pub const LIVE_INIT_TIME: std::time::Duration = std::time::Duration::from_secs(10);

    // ----- Defaults of `kbql serve`'s flags -----
    pub const MAX_BODY_BYTES: usize = 1 << 20;
    pub const MAX_QUERY_BYTES: usize = 16 << 10;
    pub const MAX_DEPTH: usize = 12;
    pub const MAX_COMPLEXITY: usize = 5_000;
    pub const MAX_ALIASES: usize = 30;
    pub const MAX_DIRECTIVES: usize = 20;
    pub const REQUEST_TIMEOUT_MS: u64 = 10_000;
    pub const MAX_CONNECTIONS: usize = 1_024;
    pub const HEADER_TIMEOUT_MS: u64 = 10_000;
    pub const BODY_TIMEOUT_MS: u64 = 10_000;
    pub const IDLE_TIMEOUT_MS: u64 = 60_000;
    pub const LIVE_CONNECTIONS_PER_CLIENT: usize = 8;
    pub const ASKS_PER_MINUTE: u32 = 10;
    pub const SEARCHES_PER_MINUTE: u32 = 300;
    pub const SEARCH_CACHE_MB: u64 = 32;

    // ----- Memory kept besides the search caches (fixed) -----
    /// Parsed query documents, weighed by text and expanded fields.
    pub const DOCUMENT_CACHE_BYTES: u64 = 4 << 20;
    /// Word expansions, for the current index generation.
    pub const WORD_EXPANSION_BYTES: u64 = 2 << 20;

    // ----- Retention (days; 0 keeps forever) -----
    /// The search log, which staff's search analytics read.
    pub const SEARCH_LOG_DAYS: u32 = 90;
    /// The audit log of staff changes.
    pub const AUDIT_LOG_DAYS: u32 = 365;
}

/// The sizes a page may have: 1 to `max`, `default` when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    pub default: i32,
    pub max: i32,
}

impl PageSize {
    /// The size asked for as `argument`, or why it is refused (a message
    /// for the client).
    pub fn parse(self, argument: &str, asked: Option<i32>) -> Result<usize, String> {
        let n = asked.unwrap_or(self.default);
        if (1..=self.max).contains(&n) {
            Ok(n as usize)
        } else {
            Err(format!(
                "`{argument}` must be between 1 and {}, got {n}",
                self.max
            ))
        }
    }

    /// `asked` (or the default) within bounds, for estimating a query's
    /// cost before its arguments are checked.
    pub fn clamped(self, asked: Option<i32>) -> usize {
        asked.unwrap_or(self.default).clamp(1, self.max) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_checked_against_their_bounds() {
        let size = Limits::SIMILAR_PAGE_SIZE;
        assert_eq!(size.parse("first", None), Ok(5));
        assert_eq!(size.parse("first", Some(20)), Ok(20));
        assert_eq!(
            size.parse("first", Some(21)),
            Err("`first` must be between 1 and 20, got 21".to_owned())
        );
        assert!(size.parse("last", Some(0)).is_err());
        assert!(size.parse("last", Some(i32::MIN)).is_err());
        assert_eq!(size.clamped(Some(i32::MAX)), 20);
        assert_eq!(size.clamped(Some(-3)), 1);
    }
}
