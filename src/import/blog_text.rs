//! Parser for the plain-text dump of an "ask the doctor" blog listing page.
//!
//! The dump has no markup and no titles: posts are only delimited by their
//! closing `Tags:` line, and a `Block Quote` line (left over from the HTML
//! `<blockquote>` that held the reader's letter) splits a reader question from
//! the staff answer. Everything here works line by line in a single pass so
//! that hostile or huge input stays linear and can never panic.

use std::collections::HashSet;

use crate::domain::{MediaKind, title};

/// One post recovered from a listing page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPost {
    pub title: String,
    /// The title kbql derived before titles read the question, when it
    /// differs from `title`: the import matches it to keep old slugs.
    pub former_title: Option<String>,
    /// Reader's question; empty for articles.
    pub question: String,
    /// Staff answer, or the article body.
    pub answer: String,
    pub is_article: bool,
    pub tags: Vec<String>,
    pub category: Option<String>,
    /// Videos and images, known by their captions only: the dump keeps a
    /// caption on a line of its own and loses the player or picture.
    pub media: Vec<(MediaKind, String)>,
    /// Titles of the pages the post links ("Read the rest — <title>").
    pub links: Vec<String>,
    /// 1-based line where the post starts (first non-blank, non-chrome line).
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl ParseError {
    fn new(line: usize, message: &str) -> Self {
        Self {
            line,
            message: message.to_owned(),
        }
    }
}

const TAGS_PREFIX: &str = "Tags:";

/// How a press mention links the article it quotes: one of these, a
/// dash or colon, and the article's title ("Read the rest — How Hollywood
/// Fights Baldness"). Compared ASCII-case-insensitively.
const READ_MORE_PREFIXES: &[&str] = &[
    "read the rest",
    "read the full article",
    "read the full story",
    "read the article",
    "read more",
];

/// The article a "Read the rest — <title>" line links, if `line` is one.
fn linked_article(line: &str) -> Option<&str> {
    let rest = READ_MORE_PREFIXES.iter().find_map(|prefix| {
        let head = line.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| &line[prefix.len()..])
    })?;
    // "Read more about aftercare in our FAQ." is an ordinary sentence.
    let rest = rest.trim_start();
    let title = rest.strip_prefix(['—', '–', '-', ':', '»'])?;
    let title =
        title.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '“' | '”' | '-' | '—'));
    title.contains(char::is_alphabetic).then_some(title)
}

/// Longest caption line, in words: a caption names what is shown, a
/// sentence of prose runs longer.
const CAPTION_WORDS: usize = 12;

/// Takes out of `lines` the captions of videos and images: a line alone
/// in its paragraph, short, not ending like a sentence, naming a video,
/// photo or before-and-after ("SMP scalp scar video").
fn take_captions(lines: &mut Vec<&str>) -> Vec<(MediaKind, String)> {
    let mut found = Vec::new();
    let mut kept = Vec::with_capacity(lines.len());
    for (i, &line) in lines.iter().enumerate() {
        let alone = (i == 0 || lines[i - 1].is_empty())
            && lines.get(i + 1).is_none_or(|next| next.is_empty());
        let short = !line.is_empty()
            && line.split_whitespace().count() <= CAPTION_WORDS
            && !line.ends_with(['.', '?', '!', ':', ';', ',']);
        match MediaKind::named_in(line) {
            Some(kind) if alone && short => found.push((kind, line.to_owned())),
            _ => kept.push(line),
        }
    }
    *lines = kept;
    found
}

const SEPARATOR: &str = "Block Quote";

/// Whole lines (compared ASCII-case-insensitively after trimming) that belong
/// to the site's page template rather than to any post. Extend here when a new
/// dump turns up more template noise.
const CHROME_LINES: &[&str] = &[
    "As Seen on",
    "Valid CSS!",
    "HTML 5 Validated",
    "« First",
    "« Previous",
    "« Prev",
    "Next »",
    "Last »",
];

fn is_chrome(line: &str) -> bool {
    CHROME_LINES.iter().any(|c| line.eq_ignore_ascii_case(c)) || is_pager_status(line)
}

/// `Page 2 of 13…`: the pager's digits are glued to the page links that
/// follow ("Page 2 of 1312345Last »"), so only the leading shape is checked.
fn is_pager_status(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Page ") else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    // `digits` counts ASCII bytes only, so this index is a char boundary.
    rest[digits..]
        .strip_prefix(" of ")
        .is_some_and(|r| r.bytes().next().is_some_and(|b| b.is_ascii_digit()))
}

/// `All Pigments related posts` -> `Pigments`.
fn category_name(line: &str) -> Option<&str> {
    let name = line
        .strip_prefix("All ")?
        .strip_suffix(" related posts")?
        .trim();
    (!name.is_empty()).then_some(name)
}

fn parse_tags(list: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .filter(|t| seen.insert(t.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Joins trimmed lines, where an empty entry marks a blank line, into text
/// with single `\n` inside a paragraph and exactly one blank line between
/// paragraphs, however many blank lines the dump had.
fn join_paragraphs(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut paragraph_break = false;
    for &line in lines {
        if line.is_empty() {
            paragraph_break = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if paragraph_break { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        paragraph_break = false;
    }
    out
}

/// A post whose closing `Tags:` line has not been seen yet.
struct OpenPost<'a> {
    line: usize,
    category: Option<&'a str>,
    /// Question lines (or the article body); `""` marks a blank line.
    before: Vec<&'a str>,
    separator: Option<usize>,
    after: Vec<&'a str>,
}

impl<'a> OpenPost<'a> {
    fn new(line: usize, category: Option<&'a str>) -> Self {
        Self {
            line,
            category,
            before: Vec::new(),
            separator: None,
            after: Vec::new(),
        }
    }

    fn push(&mut self, line: &'a str) {
        let target = if self.separator.is_some() {
            &mut self.after
        } else {
            &mut self.before
        };
        // Runs of blank lines mean the same as one; storing one keeps memory
        // proportional to the content rather than to the padding.
        if line.is_empty() && target.last().is_none_or(|l| l.is_empty()) {
            return;
        }
        target.push(line);
    }

    fn finish(mut self, tags: Vec<String>) -> Result<TextPost, ParseError> {
        let mut media = take_captions(&mut self.before);
        media.extend(take_captions(&mut self.after));
        let category = self.category.map(str::to_owned);
        if let Some(article) = self
            .before
            .iter()
            .chain(&self.after)
            .copied()
            .find_map(linked_article)
        {
            return Ok(self.press_mention(article, tags, media));
        }
        let Some(separator_line) = self.separator else {
            let body = join_paragraphs(&self.before);
            if body.is_empty() {
                return Err(ParseError::new(self.line, "post has an empty body"));
            }
            return Ok(TextPost {
                former_title: None,
                title: title::opening(&body),
                question: String::new(),
                answer: body,
                is_article: true,
                tags,
                category,
                media,
                links: vec![],
                line: self.line,
            });
        };
        let question = join_paragraphs(&self.before);
        let answer = join_paragraphs(&self.after);
        // Both are reported at the separator: it is the line that promised a
        // question/answer pair.
        if question.is_empty() {
            return Err(ParseError::new(
                separator_line,
                "\"Block Quote\" separator has no question before it",
            ));
        }
        if answer.is_empty() {
            return Err(ParseError::new(
                separator_line,
                "\"Block Quote\" separator has no answer after it",
            ));
        }
        Ok(TextPost {
            former_title: title::former(&question),
            title: title::derive(&question),
            question,
            answer,
            is_article: false,
            tags,
            category,
            media,
            links: vec![],
            line: self.line,
        })
    }
}

impl OpenPost<'_> {
    /// A press mention quotes an article and links the rest of it. It is
    /// titled by that article and, being nobody's question, is an article
    /// whose body is the quote and the clinic's note together, whichever
    /// side of a `Block Quote` line each sat.
    fn press_mention(
        self,
        article: &str,
        tags: Vec<String>,
        media: Vec<(MediaKind, String)>,
    ) -> TextPost {
        let mut lines = self.before.clone();
        if self.separator.is_some() {
            lines.push("");
            lines.extend(&self.after);
        }
        // Earlier versions read the quote as a reader's question.
        let opening = join_paragraphs(&self.before);
        let former_title = Some(title::opening(&opening));
        TextPost {
            title: title::fit(article),
            former_title,
            question: String::new(),
            answer: join_paragraphs(&lines),
            is_article: true,
            tags,
            category: self.category.map(str::to_owned),
            media,
            links: vec![article.to_owned()],
            line: self.line,
        }
    }
}

/// Parses a whole listing page into its posts, in page order.
///
/// # Errors
///
/// Returns the first problem found, with its 1-based line: a NUL byte, a
/// `Tags:` line without tags or without a post before it, a `Block Quote`
/// separator with nothing on one side or repeated within a post, or text
/// after the last post that never reaches a `Tags:` line.
pub fn parse(text: &str) -> Result<Vec<TextPost>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(pos) = text.find('\0') {
        let line = text.as_bytes()[..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(ParseError::new(line, "input contains a NUL byte"));
    }

    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).trim())
        .collect();

    // Posts above the first category header still belong to that page's
    // category, so the first header is looked up before the main pass.
    let page_category = lines.iter().find_map(|l| category_name(l));
    let mut current_category: Option<&str> = None;
    let mut posts = Vec::new();
    let mut open: Option<OpenPost<'_>> = None;

    for (idx, &line) in lines.iter().enumerate() {
        let line_no = idx + 1;
        if line.is_empty() {
            if let Some(post) = open.as_mut() {
                post.push("");
            }
            continue;
        }
        if is_chrome(line) {
            continue;
        }
        if let Some(name) = category_name(line) {
            // A post already under way keeps the category it started under.
            current_category = Some(name);
            continue;
        }
        if let Some(list) = line.strip_prefix(TAGS_PREFIX) {
            let tags = parse_tags(list);
            if tags.is_empty() {
                return Err(ParseError::new(line_no, "\"Tags:\" line lists no tags"));
            }
            let Some(post) = open.take() else {
                return Err(ParseError::new(line_no, "post has an empty body"));
            };
            posts.push(post.finish(tags)?);
            continue;
        }
        let post =
            open.get_or_insert_with(|| OpenPost::new(line_no, current_category.or(page_category)));
        if line == SEPARATOR {
            if post.separator.is_some() {
                return Err(ParseError::new(
                    line_no,
                    "more than one \"Block Quote\" separator in one post",
                ));
            }
            post.separator = Some(line_no);
        } else {
            post.push(line);
        }
    }

    if let Some(post) = open {
        return Err(ParseError::new(
            post.line,
            "post starting here has no closing \"Tags:\" line",
        ));
    }
    Ok(posts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> TextPost {
        let mut posts = parse(text).expect("fixture should parse");
        assert_eq!(posts.len(), 1, "expected exactly one post: {posts:?}");
        posts.remove(0)
    }

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("fixture should be rejected")
    }

    fn question_post(question: &str) -> String {
        format!("{question}\n\nBlock Quote\n\nAn answer from the clinic.\n\nTags: smp\n")
    }

    #[test]
    fn question_and_article_are_told_apart() {
        let text = "\
Does pigment work on a freshly shaved scalp?

Block Quote

Yes, shaving beforehand helps us see the follicle pattern.

Tags: smp, shaving


Our team filmed a full-head session from start to finish.

Session walk-through video

Tags: smp, video
";
        let posts = parse(text).unwrap();
        assert_eq!(posts.len(), 2);

        let q = &posts[0];
        assert!(!q.is_article);
        assert_eq!(q.line, 1);
        assert_eq!(q.question, "Does pigment work on a freshly shaved scalp?");
        assert_eq!(
            q.answer,
            "Yes, shaving beforehand helps us see the follicle pattern."
        );
        assert_eq!(q.title, "Does pigment work on a freshly shaved scalp?");
        assert_eq!(q.category, None);

        let a = &posts[1];
        assert!(a.is_article);
        assert_eq!(a.line, 10);
        assert_eq!(a.question, "");
        // The caption names a video the dump lost; it is not prose.
        assert_eq!(
            a.answer,
            "Our team filmed a full-head session from start to finish."
        );
        assert_eq!(
            a.media,
            vec![(MediaKind::Video, "Session walk-through video".to_owned())]
        );
        assert_eq!(
            a.title,
            "Our team filmed a full-head session from start to finish."
        );
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_ordered() {
        let post = one("Body text here.\nTags:  Scarring , smp,, SMP ,  hair loss ,scarring,\n");
        assert_eq!(post.tags, vec!["Scarring", "smp", "hair loss"]);
    }

    #[test]
    fn tags_dedupe_non_ascii_case_insensitively() {
        let post = one("Body.\nTags: Ärger, ärger, ÄRGER, café\n");
        assert_eq!(post.tags, vec!["Ärger", "café"]);
    }

    #[test]
    fn category_header_applies_until_replaced() {
        let text = "\
Early article before any header.
Tags: a

All Pigments related posts

Second article.
Tags: b

All  Transplants  related posts

Third article.
Tags: c
";
        let posts = parse(text).unwrap();
        let cats: Vec<_> = posts.iter().map(|p| p.category.as_deref()).collect();
        assert_eq!(
            cats,
            vec![Some("Pigments"), Some("Pigments"), Some("Transplants")]
        );
    }

    #[test]
    fn category_seen_mid_post_applies_to_the_next_post() {
        let text = "\
All Pigments related posts
First line of a post.
All Grafts related posts
More of the same post.
Tags: a
Next post.
Tags: b
";
        let posts = parse(text).unwrap();
        assert_eq!(posts[0].category.as_deref(), Some("Pigments"));
        assert_eq!(
            posts[0].answer,
            "First line of a post.\nMore of the same post."
        );
        assert_eq!(posts[1].category.as_deref(), Some("Grafts"));
    }

    #[test]
    fn no_category_line_means_none() {
        assert_eq!(one("Body.\nTags: x\n").category, None);
        // An empty name is ordinary text, not a header.
        let post = one("All  related posts\nTags: x\n");
        assert_eq!(post.category, None);
        assert_eq!(post.answer, "All  related posts");
    }

    #[test]
    fn chrome_is_dropped_everywhere() {
        let text = "\
As Seen on
« First
« Previous

What should I avoid after a session?
As Seen on

Block Quote
Valid CSS!
Skip the gym and the sauna for a few days.
Page 1 of 4

Tags: aftercare
Next »
Last »
Page 2 of 1312345Last »

Valid CSS!

HTML 5 Validated";
        let post = one(text);
        assert_eq!(post.line, 5);
        assert_eq!(post.question, "What should I avoid after a session?");
        assert_eq!(post.answer, "Skip the gym and the sauna for a few days.");
    }

    #[test]
    fn chrome_matching_is_strict_about_shape() {
        assert!(is_chrome("Page 12 of 40"));
        assert!(!is_chrome("page 12 of 40"));
        assert!(is_chrome("as seen ON"));
        assert!(!is_chrome("Page one of the consent form"));
        assert!(!is_chrome("Page 3 of the brochure"));
        assert!(!is_chrome("As Seen on TV, the results are real."));
    }

    #[test]
    fn paragraphs_collapse_to_single_blank_lines() {
        let post = one(
            "  First paragraph,\n   still first.  \n\n\n\n\nSecond paragraph.\n \t \nThird.\nTags: x\n",
        );
        assert_eq!(
            post.answer,
            "First paragraph,\nstill first.\n\nSecond paragraph.\n\nThird."
        );
    }

    #[test]
    fn a_press_mention_is_an_article_titled_by_the_article_it_links() {
        let text = "\
A quote from the piece:

City clinics report more men choosing pigment over plugs.

Block Quote

Read the rest — \u{201c}Why Balding Men Are Choosing Ink\u{201d}

Our lead doctor was interviewed for it.

Tags: press
";
        let post = one(text);
        assert!(post.is_article);
        assert_eq!(post.title, "Why Balding Men Are Choosing Ink");
        assert_eq!(post.question, "");
        assert!(post.answer.starts_with("A quote from the piece:"));
        assert!(
            post.answer
                .ends_with("Our lead doctor was interviewed for it.")
        );
        assert!(!post.answer.contains("Block Quote"));
        assert_eq!(post.former_title.as_deref(), Some("A quote from the piece"));
        // Without a dash and a title after it, "read more" is only words.
        let plain = one(&question_post(
            "Does it fade?\nRead more about fading in your FAQ, I did.",
        ));
        assert!(!plain.is_article);
    }

    #[test]
    fn letters_are_titled_by_what_they_ask_and_remember_the_old_title() {
        let post = one(&question_post(
            "Hi Doc,\nThanks for the blog, it is a great help. Can pigment cover a burn scar?",
        ));
        assert_eq!(post.title, "Can pigment cover a burn scar?");
        assert_eq!(
            post.former_title.as_deref(),
            Some("Thanks for the blog, it is a great help.")
        );
        let same = one(&question_post("Can pigment cover a burn scar?"));
        assert_eq!(same.former_title, None);
    }

    #[test]
    fn greetings_stay_in_question_but_not_in_title() {
        let cases = [
            (
                "Hi Doc,\nWill the dots blur over time?",
                "Will the dots blur over time?",
            ),
            (
                "Hello Doctor,\n\nIs numbing cream used?",
                "Is numbing cream used?",
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
                "Good morning Doctor,\nIs redness normal?",
                "Is redness normal?",
            ),
            (
                "Jonas,\nWhich ink brand do you use?",
                "Which ink brand do you use?",
            ),
        ];
        for (question, title) in cases {
            let post = one(&question_post(question));
            assert_eq!(post.title, title, "for {question:?}");
            assert_eq!(post.question, question.replace("\n\n\n", "\n\n"));
            assert!(post.question.starts_with(question.lines().next().unwrap()));
        }
    }

    #[test]
    fn content_lines_are_not_mistaken_for_greetings() {
        let cases = [
            "Hi, is SMP safe for psoriasis?",
            "Dr Patel told me pigment turns blue",
            "Hello there, I am thirty-two and losing hair at the crown fast.",
        ];
        for question in cases {
            let post = one(&question_post(question));
            assert_eq!(post.title, question, "for {question:?}");
        }
    }

    #[test]
    fn crlf_and_bom_are_normalised() {
        let text = "\u{feff}All Grafts related posts\r\n\r\nHi Doc,\r\nCan grafts grow through pigment?\r\n\r\n\r\nBlock Quote\r\n\r\nYes.\r\nThey grow normally.\r\n\r\nTags: grafts, smp\r\n";
        let post = one(text);
        assert_eq!(post.line, 3);
        assert_eq!(post.category.as_deref(), Some("Grafts"));
        assert_eq!(post.question, "Hi Doc,\nCan grafts grow through pigment?");
        assert_eq!(post.answer, "Yes.\nThey grow normally.");
        assert_eq!(post.title, "Can grafts grow through pigment?");
        assert_eq!(post.tags, vec!["grafts", "smp"]);
    }

    #[test]
    fn empty_and_chrome_only_pages_have_no_posts() {
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(parse("\u{feff}"), Ok(vec![]));
        assert_eq!(
            parse("As Seen on\n\nAll Pigments related posts\nPage 1 of 1\nValid CSS!\n"),
            Ok(vec![])
        );
    }

    #[test]
    fn error_dangling_post_points_at_its_start() {
        let text =
            "A finished post.\nTags: x\n\n\nA post that never ends.\nStill going.\n\nValid CSS!\n";
        let e = err(text);
        assert_eq!(e.line, 5);
        assert_eq!(
            e.message,
            "post starting here has no closing \"Tags:\" line"
        );
        assert_eq!(
            e.to_string(),
            "line 5: post starting here has no closing \"Tags:\" line"
        );
        // A stray separator after the last post is a dangling post too.
        assert_eq!(err("Body.\nTags: x\nBlock Quote\n").line, 3);
    }

    #[test]
    fn error_tags_line_without_tags() {
        let e = err("Body.\nTags: a\nSecond body.\n\nTags: , ,  \n");
        assert_eq!(e.line, 5);
        assert!(e.message.contains("no tags"), "{e}");
        assert_eq!(err("Body.\nTags:\n").line, 2);
    }

    #[test]
    fn error_separator_without_question() {
        let e = err("As Seen on\n\nBlock Quote\nAn answer.\nTags: x\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("no question"), "{e}");
    }

    #[test]
    fn error_separator_without_answer() {
        let e = err("A question?\n\nBlock Quote\n\n\nTags: x\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("no answer"), "{e}");
    }

    #[test]
    fn error_empty_body() {
        let e = err("Body.\nTags: a\n\nAs Seen on\n\nTags: b\n");
        assert_eq!(e.line, 6);
        assert_eq!(e.message, "post has an empty body");
        assert_eq!(err("Tags: lonely\n").line, 1);
    }

    #[test]
    fn error_second_separator() {
        let e = err("Q?\nBlock Quote\nA.\n  Block Quote  \nMore.\nTags: x\n");
        assert_eq!(e.line, 4);
        assert_eq!(
            e.message,
            "more than one \"Block Quote\" separator in one post"
        );
    }

    #[test]
    fn error_nul_byte_reports_its_line() {
        let e = err("Body.\nTags: x\nBroken\0line\nTags: y\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("NUL"), "{e}");
        assert_eq!(err("\u{feff}\0").line, 1);
    }

    #[test]
    fn first_error_wins_and_line_numbers_count_crlf_once() {
        let e = err("Body.\r\nTags: x\r\n\r\nDangling\r\n");
        assert_eq!(e.line, 4);
    }

    #[test]
    fn no_panic_on_any_prefix_of_a_mixed_page() {
        let page = include_str!("../../tests/fixtures/blog_page.txt");
        let weird = "Hi “Doc”,\r\n— é🙂.\u{feff}\n\nBlock Quote\r\nÄ!?”’ ) .\nTags: é, 🙂,\n\0";
        for text in [page, weird] {
            for (i, _) in text.char_indices() {
                let _ = parse(&text[..i]);
                let _ = parse(&text[i..]);
            }
        }
    }

    #[test]
    fn fixture_page_parses() {
        let page = include_str!("../../tests/fixtures/blog_page.txt");
        let posts = parse(page).expect("fixture page parses");
        assert_eq!(posts.len(), 6);
        assert_eq!(posts.iter().filter(|p| p.is_article).count(), 1);
        assert_eq!(posts.iter().filter(|p| !p.is_article).count(), 5);
        assert!(
            posts
                .iter()
                .all(|p| p.category.as_deref() == Some("Pigments"))
        );
        assert!(posts.iter().all(|p| !p.title.is_empty()));

        let count = |tag: &str| {
            posts
                .iter()
                .filter(|p| p.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
                .count()
        };
        assert_eq!(count("hair loss"), 4);
        assert_eq!(count("scarring"), 2);
        assert_eq!(count("traction alopecia"), 1);
        assert_eq!(count("smp"), 6);
        // Duplicate "SMP" on the last post collapses into one tag.
        for p in &posts {
            assert_eq!(
                p.tags
                    .iter()
                    .filter(|t| t.eq_ignore_ascii_case("smp"))
                    .count(),
                1
            );
        }

        let greeted = posts
            .iter()
            .find(|p| p.question.starts_with("Hello Doctor,"))
            .expect("a post opens with a greeting");
        assert!(!greeted.title.starts_with("Hello"));
        assert!(
            posts
                .iter()
                .any(|p| p.answer.contains("$250") && p.answer.to_lowercase().contains("sunlight"))
        );
    }
}
