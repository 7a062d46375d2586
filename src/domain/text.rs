use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{FieldError, FieldErrorCode, Limits, slugify};

/// Cleans user text the same way everywhere: NFC, Unix line ends, no
/// control characters but newline and tab, no surrounding whitespace.
/// Markup is kept as literal text; clients must escape it when rendering.
fn clean_multiline(input: &str) -> String {
    // Most text is clean already; checking is several times cheaper than
    // rebuilding it (imports spent a quarter of their time here).
    let clean = !input
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
        && is_nfc_quick(input.chars()) == IsNormalized::Yes;
    if clean {
        return input.trim().to_owned();
    }
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .nfc()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    cleaned.trim().to_owned()
}

/// Single-line variant: every run of whitespace becomes one space.
fn clean_line(input: &str) -> String {
    let cleaned = clean_multiline(input);
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_length(field: &'static str, text: &str, max: usize, what: &str) -> Result<(), FieldError> {
    if text.is_empty() {
        return Err(FieldError::new(
            field,
            FieldErrorCode::Blank,
            format!("{what} must not be blank"),
        ));
    }
    let len = text.chars().count();
    if len > max {
        return Err(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{what} must be at most {max} characters (got {len})"),
        ));
    }
    Ok(())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $clean:ident, $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
                let text = $clean(input);
                check_length(field, &text, $max, $what)?;
                Ok(Self(text))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(
    /// What a reader asks. Paragraphs are kept.
    QuestionText, clean_multiline, Limits::QUESTION, "question"
);
text_type!(
    /// A staff answer or an article body. Paragraphs are kept.
    AnswerText, clean_multiline, Limits::ANSWER, "answer"
);
text_type!(
    /// A post title, on one line.
    Title, clean_line, Limits::TITLE, "title"
);
text_type!(
    /// What a video or image shows, on one line ("SMP before/after for FUE scars").
    Caption, clean_line, Limits::CAPTION, "caption"
);
text_type!(
    /// The title of a page a post links to, on one line.
    LinkTitle, clean_line, Limits::TITLE, "link title"
);
text_type!(
    /// A person's display name ("Maria", "Dr. Okafor").
    DisplayName, clean_line, Limits::DISPLAY_NAME, "name"
);

impl Title {
    /// A title for a reader's question whose author gave none: the
    /// sentence that asks, past greetings and thanks (see `domain::title`).
    pub fn derive_from(text: &str) -> Self {
        Title(super::title::derive(text))
    }

    /// A title for an article whose author gave none: its opening
    /// sentence, the headline.
    pub fn headline_of(text: &str) -> Self {
        Title(super::title::opening(text))
    }

    /// The title kbql derived for `text` before titles read the question
    /// (its opening sentence), when that differs from today's: what an
    /// import matches to keep the slugs of posts imported back then.
    pub fn former_derivation(text: &str) -> Option<Self> {
        super::title::former(text).map(Title)
    }
}

/// What a visitor types into a search box or asks a chat widget: any
/// text up to [`Limits::SEARCH_TEXT`] characters. Search reads it as
/// words, never as syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// Refuses text over the limit, naming the argument it came in.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let len = input.chars().count();
        if len > Limits::SEARCH_TEXT {
            return Err(FieldError::new(
                field,
                FieldErrorCode::TooLong,
                format!(
                    "`{field}` must be at most {} characters (got {len})",
                    Limits::SEARCH_TEXT
                ),
            ));
        }
        Ok(SearchText(input.to_owned()))
    }

    /// The text's first [`Limits::SEARCH_TEXT`] characters, cut at a word
    /// boundary where there is one: for searching with text that may be
    /// longer, such as a whole question.
    pub fn clipped(input: &str) -> Self {
        let Some((cut, _)) = input.char_indices().nth(Limits::SEARCH_TEXT) else {
            return SearchText(input.to_owned());
        };
        let head = &input[..cut];
        let mid_word = !input[cut..].starts_with(char::is_whitespace);
        let head = match head.rfind(char::is_whitespace) {
            Some(space) if mid_word => &head[..space],
            _ => head,
        };
        SearchText(head.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An e-mail address, checked only for shape: the service never sends mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let text = input.trim().to_owned();
        check_length(field, &text, Limits::EMAIL, "e-mail")?;
        let invalid = || {
            FieldError::new(
                field,
                FieldErrorCode::Invalid,
                "e-mail must look like name@example.com",
            )
        };
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
        if !well_formed {
            return Err(invalid());
        }
        Ok(Email(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tag or category name. Its [`Label::key`] carries identity, so "Hair
/// Loss", "hair-loss" and "hair loss" name the same tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    name: String,
    key: String,
}

impl Label {
    pub fn parse(field: &'static str, input: &str, max: usize) -> Result<Self, FieldError> {
        let name = clean_line(input);
        check_length(field, &name, max, "name")?;
        let key = Self::key_of(&name);
        if key.is_empty() {
            return Err(FieldError::new(
                field,
                FieldErrorCode::Invalid,
                "name must contain a letter or digit",
            ));
        }
        Ok(Label { name, key })
    }

    pub fn tag(field: &'static str, input: &str) -> Result<Self, FieldError> {
        Self::parse(field, input, Limits::TAG)
    }

    pub fn category(field: &'static str, input: &str) -> Result<Self, FieldError> {
        Self::parse(field, input, Limits::CATEGORY)
    }

    /// The lookup key (and slug) for any user spelling of a name.
    pub fn key_of(text: &str) -> String {
        slugify(text, Limits::SLUG)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// What tells tags apart: the key without its hyphens, so that labels
    /// differing only by spacing ("hairloss", "hair loss") are one.
    pub fn match_key(&self) -> String {
        Self::match_key_of(&self.key)
    }

    /// [`Label::match_key`] of a key.
    pub fn match_key_of(key: &str) -> String {
        key.replace('-', "")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn search_text_is_limited_and_long_text_can_be_clipped() {
        let at_limit = "a".repeat(Limits::SEARCH_TEXT);
        assert!(SearchText::parse("query", &at_limit).is_ok());
        let over = SearchText::parse("text", &format!("{at_limit}a")).unwrap_err();
        assert_eq!(over.code, FieldErrorCode::TooLong);
        assert!(
            over.message.starts_with("`text` must be at most 500"),
            "{}",
            over.message
        );
        assert!(
            SearchText::parse("query", "").is_ok(),
            "an empty box is a search too"
        );

        let question = "how long does it take ".repeat(100);
        let clipped = SearchText::clipped(&question);
        assert!(clipped.as_str().chars().count() <= Limits::SEARCH_TEXT);
        assert!(
            clipped.as_str().ends_with("does it"),
            "{}",
            clipped.as_str()
        );
        let mid = SearchText::clipped(&"abc ".repeat(200)[1..]);
        assert!(mid.as_str().ends_with("abc"), "{}", mid.as_str());
        assert_eq!(SearchText::clipped("short").as_str(), "short");
        let wide = "é".repeat(600);
        assert_eq!(SearchText::clipped(&wide).as_str().chars().count(), 500);
    }

    use super::*;

    #[test]
    fn text_is_normalised() {
        let q = QuestionText::parse("question", "  Does it fade?\r\n\r\nThanks\u{0007}  ").unwrap();
        assert_eq!(q.as_str(), "Does it fade?\n\nThanks");
        let t = Title::parse("title", " Cost \n of   a touch-up ").unwrap();
        assert_eq!(t.as_str(), "Cost of a touch-up");
        // Decomposed "é" composes, so equal-looking text compares equal.
        assert_eq!(
            Title::parse("t", "cafe\u{301}").unwrap().as_str(),
            "caf\u{e9}"
        );
    }

    #[test]
    fn blank_and_oversized_text_is_refused() {
        assert_eq!(
            QuestionText::parse("question", " \n\t ").unwrap_err().code,
            FieldErrorCode::Blank
        );
        let long = "x".repeat(Limits::QUESTION + 1);
        let err = QuestionText::parse("question", &long).unwrap_err();
        assert_eq!(err.code, FieldErrorCode::TooLong);
        assert_eq!(err.field, "question");
        assert!(QuestionText::parse("question", &"é".repeat(Limits::QUESTION)).is_ok());
    }

    #[test]
    fn markup_is_kept_as_text() {
        let q = QuestionText::parse("question", "<script>alert(1)</script> is this safe?").unwrap();
        assert_eq!(q.as_str(), "<script>alert(1)</script> is this safe?");
    }

    #[test]
    fn titles_derive_from_the_first_sentence() {
        let q = QuestionText::parse("q", "Will SMP fade in the sun? I work outdoors.").unwrap();
        assert_eq!(
            Title::derive_from(q.as_str()).as_str(),
            "Will SMP fade in the sun?"
        );
        let dr = QuestionText::parse("q", "Dr. Moreau, does it fade?").unwrap();
        assert_eq!(
            Title::derive_from(dr.as_str()).as_str(),
            "Dr. Moreau, does it fade?"
        );
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(Email::parse("email", "ana@example.com").is_ok());
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_fold_case_spaces_and_hyphens() {
        let keys: Vec<String> = ["Hair Loss", "hair-loss", "hair loss", " HAIR   loss "]
            .iter()
            .map(|s| Label::tag("tags", s).unwrap().key().to_owned())
            .collect();
        assert!(keys.iter().all(|k| k == "hair-loss"), "{keys:?}");
        assert_ne!(Label::tag("tags", "hairloss").unwrap().key(), "hair-loss");
        assert_eq!(
            Label::tag("tags", "!!!").unwrap_err().code,
            FieldErrorCode::Invalid
        );
        assert_eq!(Label::tag("tags", "Hair Loss").unwrap().name(), "Hair Loss");
    }
}
