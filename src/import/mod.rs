//! Bulk import of posts from files: JSON Lines, and the plain-text dump of
//! a blog listing page. Parsing is all-or-nothing per file: a malformed file
//! is refused with the line at fault before anything is written.

pub mod blog_text;
pub mod demo;
pub mod generate;
mod jsonl;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::{AnswerText, DisplayName, Label, PostKind, QuestionText, Slug, Title};
use crate::store::{ImportPost, ImportSummary, Store};

/// Why a file could not be imported. `line` is 1-based; 0 means the file
/// as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}: {message}")]
    Parse { line: usize, message: String },
    #[error("{0}")]
    File(String),
    #[error(transparent)]
    Store(#[from] crate::Error),
}

impl crate::error::Cause for ImportError {
    fn into_cause(self) -> anyhow::Error {
        match self {
            ImportError::Store(e) => e.into_cause(),
            other => anyhow::Error::new(other),
        }
    }
}

impl ImportError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        ImportError::Parse {
            line,
            message: message.into(),
        }
    }
}

/// A parsed post before slugs are settled across the file.
#[derive(Debug, Clone)]
struct Draft {
    line: usize,
    slug: Option<Slug>,
    kind: PostKind,
    title: Title,
    /// What an earlier kbql titled this post, when it differs from
    /// `title`; see [`settle_slugs`].
    former_title: Option<Title>,
    question: Option<QuestionText>,
    answer: AnswerText,
    tags: Vec<Label>,
    category: Option<Label>,
    asked_by: Option<DisplayName>,
    answered_by: Option<DisplayName>,
    published_at: Option<DateTime<Utc>>,
}

/// The formats `kbql import` reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    BlogText,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format, ImportError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl") | Some("ndjson") => Ok(Format::JsonLines),
            Some("txt") => Ok(Format::BlogText),
            _ => Err(ImportError::File(format!(
                "{}: unsupported file type (expected .jsonl or .txt)",
                path.display()
            ))),
        }
    }
}

/// Parses a whole file's text into posts ready to store.
pub fn parse(format: Format, text: &str) -> Result<Vec<ImportPost>, ImportError> {
    let drafts = match format {
        Format::JsonLines => jsonl::parse(text)?,
        Format::BlogText => from_blog_text(text)?,
    };
    settle_slugs(drafts)
}

/// Reads, parses and stores one file in one transaction.
pub async fn import_file(
    store: &Store,
    path: &Path,
    on_parsed: impl FnOnce(usize),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportSummary, ImportError> {
    let format = Format::of(path)?;
    let bytes =
        std::fs::read(path).map_err(|e| ImportError::File(format!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ImportError::at(line, "the file is not valid UTF-8")
    })?;
    let posts = parse(format, &text)?;
    on_parsed(posts.len());
    Ok(store.import_posts(&posts, progress).await?)
}

fn from_blog_text(text: &str) -> Result<Vec<Draft>, ImportError> {
    let posts = blog_text::parse(text).map_err(|e| ImportError::at(e.line, e.message))?;
    posts
        .into_iter()
        .map(|p| {
            let at = |e: crate::domain::FieldError| ImportError::at(p.line, e.to_string());
            let kind = if p.is_article {
                PostKind::Article
            } else {
                PostKind::Question
            };
            let question = match kind {
                PostKind::Question => {
                    Some(QuestionText::parse("question", &p.question).map_err(at)?)
                }
                PostKind::Article => None,
            };
            let tags = p
                .tags
                .iter()
                .map(|t| Label::tag("tags", t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(at)?;
            let category = p
                .category
                .as_deref()
                .map(|c| Label::category("category", c))
                .transpose()
                .map_err(at)?;
            Ok(Draft {
                line: p.line,
                slug: None,
                kind,
                title: Title::parse("title", &p.title).map_err(at)?,
                former_title: p
                    .former_title
                    .as_deref()
                    .and_then(|t| Title::parse("title", t).ok()),
                question,
                answer: AnswerText::parse("answer", &p.answer).map_err(at)?,
                tags,
                category,
                asked_by: None,
                answered_by: None,
                published_at: None,
            })
        })
        .collect()
}

/// Gives every post its slug: the explicit one, or one derived from the
/// title with `-2`, `-3`... for repeats within the file. Being a function
/// of the file alone, re-importing the file yields the same slugs, which is
/// what makes re-imports update rather than duplicate.
///
/// Titles once came from a post's opening sentence and now come from the
/// sentence that asks, so a file imported back then derives other slugs
/// today. Each post therefore also carries the slug the old titles gave
/// (settled the same way), which the store matches when the new one is
/// unknown: the post is updated under the slug it has always had.
fn settle_slugs(drafts: Vec<Draft>) -> Result<Vec<ImportPost>, ImportError> {
    let mut explicit = HashSet::new();
    for d in &drafts {
        if let Some(slug) = &d.slug
            && !explicit.insert(slug.as_str().to_owned())
        {
            return Err(ImportError::at(
                d.line,
                format!("slug {:?} appears twice in this file", slug.as_str()),
            ));
        }
    }
    let slugs = derive_slugs(&drafts, &explicit, |d| &d.title);
    let former = if drafts.iter().any(|d| d.former_title.is_some()) {
        derive_slugs(&drafts, &explicit, |d| {
            d.former_title.as_ref().unwrap_or(&d.title)
        })
    } else {
        slugs.clone()
    };
    Ok(drafts
        .into_iter()
        .zip(slugs.into_iter().zip(former))
        .map(|(d, (slug, former))| ImportPost {
            former_slug: (former != slug).then_some(former),
            kind: d.kind,
            slug,
            title: d.title,
            question: d.question,
            answer: d.answer,
            tags: d.tags,
            category: d.category,
            asked_by: d.asked_by,
            answered_by: d.answered_by,
            published_at: d.published_at,
        })
        .collect())
}

/// One slug per draft, in file order: explicit slugs as given, the rest
/// derived from `title_of` and stepped around every slug already taken.
fn derive_slugs(
    drafts: &[Draft],
    explicit: &HashSet<String>,
    title_of: impl Fn(&Draft) -> &Title,
) -> Vec<Slug> {
    let mut used: HashSet<String> = explicit.clone();
    // Per derived base, the suffix to try next. Starting over at `-2` for
    // every repeat made n posts sharing a title cost n² lookups (minutes
    // for a file of a few ten thousand); every suffix below the one kept
    // here is taken, so resuming finds the same slug in linear time.
    let mut next_suffix: HashMap<String, u32> = HashMap::new();
    drafts
        .iter()
        .map(|d| match &d.slug {
            Some(slug) => slug.clone(),
            None => {
                let base = Slug::derive(title_of(d).as_str(), d.kind.as_str());
                let n = next_suffix.entry(base.as_str().to_owned()).or_insert(2);
                let mut slug = base.clone();
                while used.contains(slug.as_str()) {
                    slug = base.with_suffix(*n);
                    *n += 1;
                }
                used.insert(slug.as_str().to_owned());
                slug
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Format, parse};

    fn slugs(text: &str) -> Vec<String> {
        parse(Format::JsonLines, text)
            .unwrap()
            .into_iter()
            .map(|p| p.slug.into_string())
            .collect()
    }

    #[test]
    fn derived_slugs_step_around_every_slug_already_taken() {
        let text = concat!(
            r#"{"slug":"same-3","answer":"explicit slugs are reserved first"}"#,
            "\n",
            r#"{"title":"Same","answer":"a"}"#,
            "\n",
            r#"{"title":"Same 2","answer":"a"}"#,
            "\n",
            r#"{"title":"Same","answer":"a"}"#,
            "\n",
            r#"{"title":"Same","answer":"a"}"#,
            "\n",
            r#"{"title":"Same 5","answer":"a"}"#,
            "\n",
            r#"{"title":"Same 4","answer":"a"}"#,
            "\n",
        );
        assert_eq!(
            slugs(text),
            [
                "same-3", "same", "same-2", "same-4", "same-5", "same-5-2", "same-4-2"
            ]
        );
    }

    /// Many repeats of one title number on without gaps. (Settling them
    /// used to restart at `-2` for each repeat: quadratic, minutes for a
    /// file this size; the fuzz targets are where such inputs turn up.)
    #[test]
    fn many_posts_sharing_a_title_number_on_without_gaps() {
        let n = 20_000;
        let text = "{\"title\":\"Same\",\"answer\":\"a\"}\n".repeat(n);
        let slugs = slugs(&text);
        assert_eq!(slugs.len(), n);
        assert_eq!(slugs[0], "same");
        assert_eq!(slugs[1], "same-2");
        assert_eq!(slugs[n - 1], format!("same-{n}"));
    }
}
