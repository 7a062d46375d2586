//! Titles for posts whose author gave none. A reader's letter opens with
//! a greeting and often a pleasantry ("Love your website, keep up the good
//! work") before it asks anything, so the title is the sentence that asks:
//! the first question that names a subject, past greetings and thanks.
//! A letter that asks nothing specific ("What do you suggest?") is titled
//! by its first statement with a subject instead. Sentences do not end at
//! an abbreviation ("Dr. Moreau, does it fade?" is one sentence), and long
//! ones are cut at a word boundary.

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

/// `line` made fit for a title: whitespace collapsed, trailing colons and
/// dashes dropped, cut at a word boundary when long.
pub fn fit(sentence: &str) -> String {
    // "…traction alopecia ?" is a typing habit, not part of the title.
    let collapsed = sentence
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ?", "?");
    let stripped = collapsed.trim_end_matches([':', '-', '–', '—']).trim_end();
    if stripped.is_empty() {
        return FALLBACK_TITLE.to_owned();
    }
    truncate_title(stripped)
}

fn non_blank_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The sentences of one line, in order.
fn sentences_of(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let sentence = first_sentence(rest);
        rest = &rest[sentence.len()..];
        Some(sentence)
    })
}

/// A letter rarely asks past its first few dozen sentences; the bound
/// keeps a megabyte-long post as cheap to title as a short one.
const MAX_SENTENCES_READ: usize = 48;

/// Words that name no subject. A question made of these alone ("What do
/// you suggest I should do?", "Is it feasible?") says nothing a title
/// could tell a reader.
const FILLER_WORDS: &[&str] = &[
    "a",
    "about",
    "advice",
    "advise",
    "advisable",
    "am",
    "an",
    "and",
    "any",
    "anything",
    "are",
    "be",
    "best",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doc",
    "doctor",
    "dr",
    "else",
    "feasible",
    "for",
    "get",
    "go",
    "have",
    "help",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "it's",
    "me",
    "my",
    "next",
    "now",
    "of",
    "ok",
    "okay",
    "on",
    "or",
    "please",
    "possible",
    "recommend",
    "should",
    "so",
    "suggest",
    "that",
    "the",
    "then",
    "there",
    "these",
    "think",
    "this",
    "those",
    "to",
    "true",
    "wait",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
];

/// A question needs this many subject words to title the post.
const MIN_SUBJECT_WORDS_ASKING: usize = 2;
/// A statement standing in for a question that asks nothing specific.
const MIN_SUBJECT_WORDS_STATING: usize = 2;

fn subject_words(sentence: &str) -> usize {
    sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .filter(|w| {
            let w = w.replace('’', "'").to_lowercase();
            !FILLER_WORDS.contains(&w.as_str())
        })
        .count()
}

/// Phrases of thanks and praise: a letter's politeness, never its topic.
const PLEASANTRY_MARKERS: &[&str] = &[
    "thank",
    "grateful",
    "appreciat",
    "love your",
    "good work",
    "great work",
    "great site",
    "great blog",
    "great website",
    "big fan",
    "following your blog",
    "merry christmas",
    "happy new year",
    "happy holidays",
    "best regards",
    "kind regards",
];

fn is_pleasantry(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    PLEASANTRY_MARKERS.iter().any(|m| lower.contains(m))
}

fn asks(sentence: &str) -> bool {
    sentence
        .trim_end_matches(is_closer)
        .trim_end()
        .ends_with('?')
        || sentence.trim_end_matches(is_closer).ends_with("?!")
}

/// "We received some questions:" followed by a numbered list names the
/// post better than any one of the questions under it.
fn is_list_intro(sentence: &str, following: &[&str]) -> bool {
    sentence.trim_end().ends_with(':')
        && following
            .iter()
            .take(LIST_INTRO_REACH)
            .any(|l| starts_with_list_marker(l))
}

/// How many lines after an intro its list may start ("Some questions:",
/// a line of context, then "1) …").
const LIST_INTRO_REACH: usize = 3;

fn without_list_marker(sentence: &str) -> &str {
    if !starts_with_list_marker(sentence) {
        return sentence;
    }
    sentence
        .split_once([')', '.'])
        .map_or(sentence, |(_, rest)| rest.trim_start())
}

/// `1)`, `2.`, `(a)`, `b)` opening a line.
fn starts_with_list_marker(line: &str) -> bool {
    let body = line.strip_prefix('(').unwrap_or(line);
    let marker_len = body
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count()
        .max(usize::from(
            body.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && matches!(body.as_bytes().get(1), Some(b')' | b'.')),
        ));
    marker_len > 0 && matches!(body.as_bytes().get(marker_len), Some(b')' | b'.'))
}

/// The title of a reader's question `text`: the first sentence that asks
/// about a subject, else
/// the first statement with one, else the first sentence past greetings
/// (see the module docs), or [`FALLBACK_TITLE`]. A list marker opening
/// the chosen sentence is dropped: "1) Will it fade?" is titled "Will it
/// fade?".
pub fn derive(text: &str) -> String {
    let lines: Vec<&str> = non_blank_lines(text)
        .filter(|l| !is_greeting(l))
        .take(MAX_SENTENCES_READ)
        .collect();
    let mut sentences = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for sentence in sentences_of(line) {
            if sentences.len() == MAX_SENTENCES_READ {
                break;
            }
            sentences.push((i, sentence));
        }
    }
    let Some(&(first_line, first)) = sentences.first() else {
        return FALLBACK_TITLE.to_owned();
    };
    if sentences.get(1).is_none_or(|&(line, _)| line != first_line)
        && is_list_intro(first, lines.get(first_line + 1..).unwrap_or_default())
    {
        return fit(first);
    }
    let pick = |wanted: fn(&str) -> bool, min_subject: usize| {
        sentences
            .iter()
            .map(|&(_, s)| s)
            .find(|s| wanted(s) && !is_pleasantry(s) && subject_words(s) >= min_subject)
    };
    let chosen = pick(asks, MIN_SUBJECT_WORDS_ASKING)
        .or_else(|| pick(|s| !asks(s), MIN_SUBJECT_WORDS_STATING))
        .or_else(|| {
            sentences
                .iter()
                .map(|&(_, s)| s)
                .find(|s| !is_pleasantry(s))
        })
        .unwrap_or(first);
    fit(without_list_marker(chosen))
}

/// The first sentence of the first line past any greeting: an article's
/// headline, and what kbql titled questions by before titles read the
/// question (kept so a file imported then re-imports onto the same posts,
/// see `import::settle_slugs`).
pub fn opening(text: &str) -> String {
    non_blank_lines(text).find(|l| !is_greeting(l)).map_or_else(
        || FALLBACK_TITLE.to_owned(),
        |line| tidy_title_opening(first_sentence(line)),
    )
}

/// What kbql titled a question before titles read the question, when it
/// differs from today's title.
pub fn former(text: &str) -> Option<String> {
    let former = opening(text);
    (former != derive(text)).then_some(former)
}

fn tidy_title_opening(sentence: &str) -> String {
    let collapsed = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    let stripped = collapsed.trim_end_matches(':').trim_end();
    if stripped.is_empty() {
        return FALLBACK_TITLE.to_owned();
    }
    truncate_title(stripped)
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
    fn the_title_is_the_sentence_that_asks() {
        let cases = [
            (
                "Hello there\n\nYour blog has been a great help, thank you for all of it. I am 41 and losing hair at the crown. Could pigment alone make the crown look fuller?\n\nCheers",
                "Could pigment alone make the crown look fuller?",
            ),
            (
                "Hi Doc,\nI really appreciate the time you take answering people. My transplant scar widened after a second strip surgery. What would you suggest I do?",
                "My transplant scar widened after a second strip surgery.",
            ),
            (
                "Keep up the great work on this site! Is the pigment safe during pregnancy?",
                "Is the pigment safe during pregnancy?",
            ),
            (
                "Three things came up after my consultation:\n1) Does the ink contain metals?\n2) Can I dye my hair later?",
                "Three things came up after my consultation",
            ),
            ("Thank you so much!", "Thank you so much!"),
            (
                "Does SMP treat traction alopecia ? I braid.",
                "Does SMP treat traction alopecia?",
            ),
        ];
        for (text, title) in cases {
            assert_eq!(derive(text), title, "for {text:?}");
        }
    }

    #[test]
    fn the_former_derivation_is_the_opening_sentence() {
        let letter = "Love the blog, it helped me a lot. Does the pigment turn blue over time?";
        assert_eq!(derive(letter), "Does the pigment turn blue over time?");
        assert_eq!(opening(letter), "Love the blog, it helped me a lot.");
    }

    #[test]
    fn fit_collapses_and_cuts_a_given_line() {
        assert_eq!(
            fit("  How   Hollywood\tFights Baldness — "),
            "How Hollywood Fights Baldness"
        );
        assert!(fit(&"long words ".repeat(30)).chars().count() <= MAX_DERIVED_TITLE_CHARS);
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
                "The first session sets the outline.",
            ),
            (
                "Is the result “worth the money?” Ask our clients.",
                "Is the result “worth the money?”",
            ),
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
