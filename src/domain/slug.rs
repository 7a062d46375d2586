use super::{FieldError, FieldErrorCode, Limits};

/// A URL-safe identifier: lowercase ASCII letters, digits and single
/// hyphens, no hyphen at either end.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts a slug given explicitly by a user; refuses rather than fixes.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                FieldErrorCode::Blank,
                "slug must not be blank",
            ));
        }
        if s.len() > Limits::SLUG {
            return Err(FieldError::new(
                field,
                FieldErrorCode::TooLong,
                format!("slug must be at most {} characters", Limits::SLUG),
            ));
        }
        if slugify(s, Limits::SLUG) != s {
            return Err(FieldError::new(
                field,
                FieldErrorCode::Invalid,
                "slug may contain only lowercase letters, digits and single hyphens between them",
            ));
        }
        Ok(Slug(s.to_owned()))
    }

    /// Derives a readable slug from free text ("Does SMP fade?" gives
    /// "does-smp-fade"). Falls back to `fallback` when the text has no
    /// letters or digits at all.
    pub fn derive(text: &str, fallback: &str) -> Self {
        let s = slugify(text, 80);
        if s.is_empty() {
            Slug(fallback.to_owned())
        } else {
            Slug(s)
        }
    }

    /// The slug a visitor's question is stored under until it is first
    /// published: its title's slug, a double hyphen and a random tail
    /// ("does-smp-fade--k3j9x2m4q7"). It never depends on other posts, so
    /// the asker learns nothing of hidden or pending ones (a taken title
    /// would otherwise come back as "…-2"), and no slug a user gives can
    /// take this form (single hyphens only). Publication gives the post
    /// its lasting slug ([`Slug::is_provisional`]).
    pub fn provisional(title: &str) -> Self {
        use rand::Rng;
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let mut rng = rand::rng();
        let tail: String = (0..PROVISIONAL_TAIL)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let base = Slug::derive(title, "question");
        let room = Limits::SLUG - PROVISIONAL_TAIL - 2;
        let mut head = base.0.as_str();
        if head.len() > room {
            head = head[..room].trim_end_matches('-');
        }
        Slug(format!("{head}--{tail}"))
    }

    /// Whether this is a [`Slug::provisional`] slug, to be replaced when
    /// the post is first published.
    pub fn is_provisional(slug: &str) -> bool {
        slug.contains("--")
    }

    /// The same slug with a numeric suffix, used to resolve collisions.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        while base.len() + suffix.len() > Limits::SLUG {
            base.pop();
        }
        let base = base.trim_end_matches('-');
        Slug(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Random characters at the end of a provisional slug.
const PROVISIONAL_TAIL: usize = 10;

/// Folds text to a slug: accents and other scripts are transliterated,
/// case is folded, and every run of other characters becomes one hyphen.
/// Cut at a word boundary so that slugs stay readable.
pub fn slugify(text: &str, max_len: usize) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len().min(max_len));
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "don't" reads better as "dont" than "don-t".
        } else {
            pending_hyphen = true;
        }
        if out.len() > max_len {
            break;
        }
    }
    if out.len() > max_len {
        let cut = out[..=max_len].rfind('-').unwrap_or(max_len);
        out.truncate(cut);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn provisional_slugs_hide_their_neighbours_and_cannot_be_given() {
        let a = Slug::provisional("Does SMP fade in the sun?");
        let b = Slug::provisional("Does SMP fade in the sun?");
        assert!(a.as_str().starts_with("does-smp-fade-in-the-sun--"), "{a}");
        assert_ne!(a, b, "random tails");
        assert!(Slug::is_provisional(a.as_str()));
        assert!(!Slug::is_provisional("does-smp-fade-in-the-sun"));
        assert!(
            Slug::parse("slug", a.as_str()).is_err(),
            "users cannot give one"
        );
        let long = Slug::provisional(&"word ".repeat(60));
        assert!(long.as_str().len() <= Limits::SLUG, "{long}");
        assert!(Slug::is_provisional(long.as_str()));
    }

    use super::*;

    #[test]
    fn derives_readable_slugs() {
        assert_eq!(
            Slug::derive("Does SMP fade in the sun?", "post").as_str(),
            "does-smp-fade-in-the-sun"
        );
        assert_eq!(Slug::derive("  Hair Loss  ", "x").as_str(), "hair-loss");
        assert_eq!(Slug::derive("hair-loss", "x").as_str(), "hair-loss");
        assert_eq!(
            Slug::derive("Crème brûlée — don't", "x").as_str(),
            "creme-brulee-dont"
        );
        assert_eq!(Slug::derive("???", "post").as_str(), "post");
    }

    #[test]
    fn long_text_is_cut_at_a_word_boundary() {
        let slug = Slug::derive(&"word ".repeat(40), "x");
        assert!(slug.as_str().len() <= 80);
        assert!(slug.as_str().ends_with("word"));
    }

    #[test]
    fn explicit_slugs_are_checked_not_fixed() {
        assert!(Slug::parse("slug", "good-slug-2").is_ok());
        assert_eq!(
            Slug::parse("slug", "Bad Slug").unwrap_err().code,
            FieldErrorCode::Invalid
        );
        assert_eq!(
            Slug::parse("slug", "").unwrap_err().code,
            FieldErrorCode::Blank
        );
        assert_eq!(
            Slug::parse("slug", "a--b").unwrap_err().code,
            FieldErrorCode::Invalid
        );
    }

    #[test]
    fn suffixes_keep_the_length_limit() {
        let long = Slug::parse("slug", &"a".repeat(100)).unwrap();
        let s = long.with_suffix(12);
        assert!(s.as_str().len() <= 100);
        assert!(s.as_str().ends_with("-12"));
    }
}
