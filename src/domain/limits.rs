/// The documented size limits of stored text, in characters (Unicode
/// scalar values, after trimming). README's "Limits" table mirrors these.
pub struct Limits;

impl Limits {
    pub const QUESTION: usize = 5_000;
    pub const ANSWER: usize = 50_000;
    pub const TITLE: usize = 200;
    pub const DISPLAY_NAME: usize = 80;
    pub const EMAIL: usize = 254;
    pub const TAG: usize = 50;
    pub const TAGS_PER_POST: usize = 20;
    pub const CATEGORY: usize = 80;
    pub const SLUG: usize = 100;
    /// Terms in one synonym group (at least 2), and the length of each.
    pub const SYNONYM_TERMS: usize = 20;
    pub const SYNONYM_TERM: usize = 60;
    /// A search query, an `answer` question or a `similarQuestions` text.
    pub const SEARCH_TEXT: usize = 500;
}
