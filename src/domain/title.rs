//! Titles for posts whose author gave none: the first sentence of the
//! text, past any greeting ("Hi Doc," is no title), where a sentence does
//! not end at an abbreviation ("Dr. Moreau, does it fade?" is one
//! sentence), cut at a word boundary when long.

/// What a post with no sentence to take a title from is called.
pub const FALLBACK_TITLE: &str = "Untitled post";
/// Derived titles are cut to this many characters, the ellipsis included.
pub const MAX_DERIVED_TITLE_CHARS: usize = 90;
const ELLIPSIS: char = '…';

/// Greeting words that open a letter. A short line starting with one of these
/// is a salutation even without trailing punctuation ("Hi Doc").
const SALUTATION_WORDS: &[&str] = &["hi", "hello", "hey", "hiya", "dear", "greetings"];

/// Openers that only count as a salutation when the line is clearly an
/// address line (ends with `,` or `!`), since "Dr Lee says…" or "Good results
/// so far" are content while "Good morning Doctor," is not.
const ADDRESS_WORDS: &[&str] = &["dr", "doctor", "doc", "good"];

/// A salutation is a short line; anything this long is real content.
const MAX_GREETING_CHARS: usize = 40;

/// Words whose trailing period does not end a sentence. Kept deliberately
/// small: a missed abbreviation only makes a title shorter, while an
/// over-eager list would glue real sentences together.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "e.g", "i.e", "u.s", "u.k", "approx", "no", "fig",
    "jr", "sr",
];

fn is_greeting(line: &str) -> bool {
    // `nth` keeps this bounded even for a megabyte-long line.
    if line.chars().nth(MAX_GREETING_CHARS - 1).is_some() {
        return false;
    }
    let ends_like_address = line.ends_with(',') || line.ends_with('!');
    let first_word = line
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '!' | '.'))
        .next()
        .unwrap_or("");
    let word_is = |list: &[&str]| list.iter().any(|w| first_word.eq_ignore_ascii_case(w));

    if word_is(SALUTATION_WORDS) {
        let has_terminator = line.contains(['.', '?']);
        return ends_like_address || (!has_terminator && line.split_whitespace().count() <= 4);
    }
    if word_is(ADDRESS_WORDS) {
        return ends_like_address;
    }
    // A bare name such as "Marcus," or "Good morning Doctor," on its own line.
    line.ends_with(',')
        && line.split_whitespace().count() <= 4
        && line.split_whitespace().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) || matches!(w, "/" | "&" | "and")
        })
}

fn is_abbreviation(word: &str, starts_line: bool) -> bool {
    let word = word.trim_start_matches(['(', '[', '"', '\'', '“', '‘']);
    // "1." opening a line is a list marker, not a one-word sentence.
    if starts_line && !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a))
}

/// Closing punctuation that may trail a sentence terminator and still belong
/// to the sentence: `…really?”` or `(see below.)`.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»')
}

/// Returns the first sentence of a single line (or the whole line).
fn first_sentence(line: &str) -> &str {
    let mut word_start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            word_start = i + c.len_utf8();
            continue;
        }
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !is_closer(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let at_boundary = chars.peek().is_none_or(|&(_, d)| d.is_whitespace());
        if !at_boundary {
            continue;
        }
        if c == '.' && is_abbreviation(&line[word_start..i], word_start == 0) {
            continue;
        }
        return &line[..end];
    }
    line
}

fn truncate_title(title: &str) -> String {
    if title.chars().nth(MAX_DERIVED_TITLE_CHARS).is_none() {
        return title.to_owned();
    }
    // The ellipsis counts towards the limit, so one character less is kept.
    let cut = title
        .char_indices()
        .nth(MAX_DERIVED_TITLE_CHARS - 1)
        .map_or(title.len(), |(i, _)| i);
    let hard = &title[..cut];
    let word_boundary = if title[cut..].starts_with(char::is_whitespace) {
        hard
    } else {
        match hard.rfind(char::is_whitespace) {
            Some(p) if p > 0 => &hard[..p],
            // One enormous word: cutting mid-word is the only option.
            _ => hard,
        }
    };
    // Dangling punctuation before the ellipsis reads like a typo.
    let tidy = word_boundary
        .trim_end()
        .trim_end_matches([',', ';', ':', '-', '–', '—'])
        .trim_end();
    let head = if tidy.is_empty() { hard } else { tidy };
    let mut out = String::with_capacity(head.len() + ELLIPSIS.len_utf8());
    out.push_str(head);
    out.push(ELLIPSIS);
    out
}

fn title_from_line(line: Option<&str>) -> String {
    let Some(line) = line else {
        return FALLBACK_TITLE.to_owned();
    };
    let sentence = first_sentence(line);
    let collapsed = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    let stripped = collapsed.trim_end_matches(':').trim_end();
    if stripped.is_empty() {
        return FALLBACK_TITLE.to_owned();
    }
    truncate_title(stripped)
}

fn non_blank_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The title of `text`: the first sentence of its first line that is not
/// a greeting, or [`FALLBACK_TITLE`].
pub fn derive(text: &str) -> String {
    title_from_line(non_blank_lines(text).find(|l| !is_greeting(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_are_skipped() {
        let cases = [
            (
                "Hi Doc,\nWill the dots blur over time?",
                "Will the dots blur over time?",
            ),
            (
                "Hi Dr. Okafor!\n\nHow long is each visit?",
                "How long is each visit?",
            ),
            (
                "Dr. Okafor / Dr. Reyes,\nCan I swim afterwards?",
                "Can I swim afterwards?",
            ),
            ("Hello,\nDear Doctor,\nDoes it itch?", "Does it itch?"),
            ("Hi Doc\n\nMy scar is itchy. What now?", "My scar is itchy."),
            (
                "Jonas,\nWhich ink brand do you use?",
                "Which ink brand do you use?",
            ),
        ];
        for (text, title) in cases {
            assert_eq!(derive(text), title, "for {text:?}");
        }
        for content in [
            "Hi, is SMP safe for psoriasis?",
            "Dr Patel told me pigment turns blue",
        ] {
            assert_eq!(derive(content), content);
        }
        assert_eq!(derive("Hi Doc,\n\nThanks,"), FALLBACK_TITLE);
        assert_eq!(derive("::::"), FALLBACK_TITLE);
    }

    #[test]
    fn a_sentence_does_not_end_at_an_abbreviation() {
        let cases = [
            // Once the title of this question was "Dr.".
            (
                "Dr. Moreau, does it fade in the sun? I work outdoors.",
                "Dr. Moreau, does it fade in the sun?",
            ),
            (
                "Dr. Okafor trained in the U.S. before opening the clinic. She now teaches.",
                "Dr. Okafor trained in the U.S. before opening the clinic.",
            ),
            (
                "Some inks (e.g. carbon blends) last longer vs. others. Not all do.",
                "Some inks (e.g. carbon blends) last longer vs. others.",
            ),
            (
                "1. The first session sets the outline. The second adds density.",
                "1. The first session sets the outline.",
            ),
            ("Was it “worth it?” Ask our clients.", "Was it “worth it?”"),
            (
                "Price is 2.5 times higher!? Really.",
                "Price is 2.5 times higher!?",
            ),
            (
                "We answered these questions:",
                "We answered these questions",
            ),
            ("No punctuation at all here", "No punctuation at all here"),
            (
                "Video: pigment healing timeline\nDay one looks red.",
                "Video: pigment healing timeline",
            ),
        ];
        for (text, title) in cases {
            assert_eq!(derive(text), title, "for {text:?}");
        }
    }

    #[test]
    fn long_titles_are_cut_at_a_word_boundary() {
        let sentence = "Patients who combine a small follicular transplant with scalp pigmentation often ask whether the order of the two procedures matters at all.";
        assert_eq!(
            derive(sentence),
            "Patients who combine a small follicular transplant with scalp pigmentation often ask…"
        );
        let exact = format!("{}.", "a".repeat(MAX_DERIVED_TITLE_CHARS - 1));
        assert_eq!(derive(&exact), exact);
        for fill in 80..95 {
            for piece in ["—", "“", "é", "🙂"] {
                let text = format!(
                    "{}{piece}{piece} then “quoted” words — and more after the limit",
                    "x".repeat(fill)
                );
                let title = derive(&text);
                assert!(title.chars().count() <= MAX_DERIVED_TITLE_CHARS, "{title}");
                assert!(!title.is_empty());
            }
        }
    }

    #[test]
    fn no_dangling_dash_before_the_ellipsis_and_a_huge_word_is_cut() {
        let head = "word ".repeat(17);
        let sentence = format!("{head}— and then a lot more text follows here.");
        assert_eq!(derive(&sentence), format!("{}…", head.trim_end()));
        let word = "é".repeat(200);
        let title = derive(&word);
        assert_eq!(title.chars().count(), MAX_DERIVED_TITLE_CHARS);
        assert!(title.ends_with('…'));
    }
}
