//! JSON Lines: one post per line. See README.md, "Import formats".

use std::io::BufRead;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Draft, ImportError};
use crate::domain::{
    AnswerText, DisplayName, FieldError, FieldErrorCode, Label, Limits, Link, Media, MediaKind,
    PostKind, QuestionText, Slug, Title, media_count,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    kind: Option<String>,
    slug: Option<String>,
    title: Option<String>,
    question: Option<String>,
    answer: String,
    #[serde(default)]
    tags: Vec<String>,
    category: Option<String>,
    asked_by: Option<String>,
    answered_by: Option<String>,
    published_at: Option<String>,
    #[serde(default)]
    media: Vec<MediaLine>,
    #[serde(default)]
    links: Vec<LinkLine>,
}

/// `{"kind": "video", "url": "https://…", "caption": "…"}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MediaLine {
    kind: String,
    url: Option<String>,
    caption: Option<String>,
}

/// `{"title": "…", "url": "https://…"}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkLine {
    title: String,
    url: Option<String>,
}

/// The drafts of a JSON Lines stream, one per non-blank line, read a line
/// at a time so a file of any size costs one line's memory. Stops after
/// the first error, which names its line.
pub(super) struct Drafts<R> {
    reader: R,
    buf: Vec<u8>,
    line: usize,
    failed: bool,
}

impl<R: BufRead> Drafts<R> {
    pub fn new(reader: R) -> Self {
        Drafts {
            reader,
            buf: Vec::new(),
            line: 0,
            failed: false,
        }
    }

    fn next_draft(&mut self) -> Option<Result<Draft, ImportError>> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(ImportError::at(self.line + 1, format!("{e}")))),
            }
            self.line += 1;
            let line = self.line;
            let Ok(raw) = std::str::from_utf8(&self.buf) else {
                return Some(Err(ImportError::at(line, "the file is not valid UTF-8")));
            };
            let raw = if line == 1 {
                raw.strip_prefix('\u{feff}').unwrap_or(raw)
            } else {
                raw
            };
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.trim().is_empty() {
                continue;
            }
            return Some(
                serde_json::from_str::<Line>(raw)
                    .map_err(|e| ImportError::at(line, format!("invalid post: {e}")))
                    .and_then(|parsed| {
                        draft(line, parsed).map_err(|e| ImportError::at(line, e.to_string()))
                    }),
            );
        }
    }
}

impl<R: BufRead> Iterator for Drafts<R> {
    type Item = Result<Draft, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_draft();
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

fn media_of(lines: &[MediaLine]) -> Result<Vec<Media>, FieldError> {
    media_count("media", lines.len(), Limits::MEDIA_PER_POST)?;
    lines
        .iter()
        .map(|m| {
            let kind = match m.kind.trim().to_ascii_lowercase().as_str() {
                "video" => MediaKind::Video,
                "image" => MediaKind::Image,
                _ => {
                    return Err(FieldError::new(
                        "media.kind",
                        FieldErrorCode::Invalid,
                        "media kind must be \"video\" or \"image\"",
                    ));
                }
            };
            Media::parse(kind, m.url.as_deref(), m.caption.as_deref())
        })
        .collect()
}

fn links_of(lines: &[LinkLine]) -> Result<Vec<Link>, FieldError> {
    media_count("links", lines.len(), Limits::LINKS_PER_POST)?;
    lines
        .iter()
        .map(|l| Link::parse(&l.title, l.url.as_deref()))
        .collect()
}

fn optional<T>(
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    match value {
        Some(s) if !s.trim().is_empty() => parse(s).map(Some),
        _ => Ok(None),
    }
}

fn draft(line: usize, l: Line) -> Result<Draft, FieldError> {
    let mut question = optional(l.question.as_deref(), |s| {
        QuestionText::parse("question", s)
    })?;
    let title_text = l.title.as_deref().filter(|t| !t.trim().is_empty());
    // An FAQ's entries are often a question as the title and its answer,
    // with no letter from a visitor: the title is what was asked.
    let asked_in_title =
        question.is_none() && title_text.is_some_and(|t| t.trim_end().ends_with('?'));
    let kind = match l.kind.as_deref() {
        Some(k) => k
            .parse::<PostKind>()
            .map_err(|e| FieldError::new("kind", crate::domain::FieldErrorCode::Invalid, e))?,
        // A post that asks is a question unless it says otherwise.
        None if question.is_some() || asked_in_title => PostKind::Question,
        None => PostKind::Article,
    };
    if kind == PostKind::Question && question.is_none() {
        match title_text {
            Some(t) => question = Some(QuestionText::parse("title", t)?),
            None => {
                return Err(FieldError::new(
                    "question",
                    crate::domain::FieldErrorCode::Blank,
                    "a question needs its question text, or a title that asks it",
                ));
            }
        }
    }
    let answer = AnswerText::parse("answer", &l.answer)?;
    let (title, former_title) = match optional(l.title.as_deref(), |s| Title::parse("title", s))? {
        Some(t) => (t, None),
        None => match &question {
            Some(q) => (
                Title::derive_from(q.as_str()),
                Title::former_derivation(q.as_str()),
            ),
            None => (Title::headline_of(answer.as_str()), None),
        },
    };
    let published_at = l
        .published_at
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            DateTime::parse_from_rfc3339(s.trim())
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| {
                    FieldError::new(
                        "published_at",
                        crate::domain::FieldErrorCode::Invalid,
                        "expected an RFC 3339 time such as 2024-05-14T09:30:00Z",
                    )
                })
        })
        .transpose()?;
    Ok(Draft {
        line,
        slug: optional(l.slug.as_deref(), |s| Slug::parse("slug", s))?,
        kind,
        title,
        former_title,
        question: if kind == PostKind::Question {
            question
        } else {
            None
        },
        answer,
        tags: l
            .tags
            .iter()
            .map(|t| Label::tag("tags", t))
            .collect::<Result<_, _>>()?,
        category: optional(l.category.as_deref(), |s| Label::category("category", s))?,
        asked_by: optional(l.asked_by.as_deref(), |s| DisplayName::parse("asked_by", s))?,
        answered_by: optional(l.answered_by.as_deref(), |s| {
            DisplayName::parse("answered_by", s)
        })?,
        published_at,
        media: media_of(&l.media)?,
        links: links_of(&l.links)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Format, parse as parse_file};

    #[test]
    fn reads_a_question_and_an_article() {
        let text = concat!(
            r#"{"kind":"question","title":"Does it fade?","question":"Will it fade in the sun?","answer":"Slowly.","tags":["SMP","Sun"],"category":"Pigments","published_at":"2024-01-02T03:04:05Z"}"#,
            "\n\n",
            r#"{"kind":"article","title":"Open day","answer":"Come and see us."}"#,
            "\n"
        );
        let posts = parse_file(Format::JsonLines, text).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].slug.as_str(), "does-it-fade");
        assert_eq!(posts[0].tags.len(), 2);
        assert!(posts[1].question.is_none());
    }

    #[test]
    fn an_faq_entry_asked_in_its_title_is_a_question() {
        let text = concat!(
            r#"{"kind":"question","title":"Will the pigment fade in the sun?","answer":"Slowly."}"#,
            "\n",
            r#"{"title":"How much is a touch-up?","answer":"It depends."}"#,
            "\n",
            r#"{"title":"Opening hours","answer":"Nine to five."}"#,
            "\n",
        );
        let posts = parse_file(Format::JsonLines, text).unwrap();
        assert_eq!(
            posts[0].question.as_ref().map(|q| q.as_str()),
            Some("Will the pigment fade in the sun?")
        );
        assert_eq!(posts[1].kind, crate::domain::PostKind::Question);
        assert_eq!(
            posts[1].question.as_ref().map(|q| q.as_str()),
            Some("How much is a touch-up?")
        );
        assert_eq!(posts[1].title.as_str(), "How much is a touch-up?");
        assert_eq!(posts[2].kind, crate::domain::PostKind::Article);
        let err = parse_file(Format::JsonLines, r#"{"kind":"question","answer":"a"}"#).unwrap_err();
        assert!(err.to_string().contains("or a title that asks it"), "{err}");
    }

    #[test]
    fn errors_name_the_line() {
        let text = "{\"answer\":\"ok\",\"question\":\"q?\"}\n{\"answer\":\"\"}\n";
        let err = parse_file(Format::JsonLines, text).unwrap_err();
        assert_eq!(err.to_string(), "line 2: answer: answer must not be blank");
        let err = parse_file(Format::JsonLines, "{\"answer\":\"a\",\"colour\":1}").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 1: invalid post: unknown field `colour`"),
            "{err}"
        );
        let err = parse_file(
            Format::JsonLines,
            "{\"answer\":\"a\",\"published_at\":\"yesterday\"}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn repeated_titles_get_distinct_slugs_and_repeated_slugs_are_refused() {
        let text = "{\"title\":\"Same\",\"answer\":\"a\"}\n{\"title\":\"Same\",\"answer\":\"b\"}\n";
        let posts = parse_file(Format::JsonLines, text).unwrap();
        assert_eq!(posts[0].slug.as_str(), "same");
        assert_eq!(posts[1].slug.as_str(), "same-2");
        let text = "{\"slug\":\"x\",\"answer\":\"a\"}\n{\"slug\":\"x\",\"answer\":\"b\"}\n";
        assert!(
            parse_file(Format::JsonLines, text)
                .unwrap_err()
                .to_string()
                .starts_with("line 2:")
        );
    }
}
