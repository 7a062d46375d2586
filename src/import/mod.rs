//! Bulk import of posts from files: JSON Lines, and the plain-text dump of
//! a blog listing page. Parsing is all-or-nothing per file: a malformed file
//! is refused with the line at fault before anything is written.

pub mod blog_text;
pub mod demo;
pub mod generate;
mod jsonl;
mod slugs;

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::{
    AnswerText, DisplayName, Label, Link, Media, PostKind, QuestionText, Slug, Title,
};
use crate::store::{IMPORT_CHUNK, ImportPost, ImportSummary, Store};
use slugs::{Settler, Survey};

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
    /// `title`; see [`slugs`].
    former_title: Option<Title>,
    question: Option<QuestionText>,
    answer: AnswerText,
    tags: Vec<Label>,
    category: Option<Label>,
    asked_by: Option<DisplayName>,
    answered_by: Option<DisplayName>,
    published_at: Option<DateTime<Utc>>,
    media: Vec<Media>,
    links: Vec<Link>,
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

/// Where an import's drafts come from. A JSON Lines file is read afresh
/// on every pass rather than held: that is what keeps an import's memory
/// flat however large the file. A blog page is one listing, small by
/// nature, and is parsed once.
enum Source<'a> {
    JsonLinesFile(std::path::PathBuf),
    JsonLinesText(&'a str),
    Drafts(Vec<Draft>),
}

type DraftIter<'s> = Box<dyn Iterator<Item = Result<Draft, ImportError>> + Send + 's>;

impl Source<'_> {
    fn drafts(&self) -> Result<DraftIter<'_>, ImportError> {
        Ok(match self {
            Source::JsonLinesFile(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| ImportError::File(format!("{}: {e}", path.display())))?;
                Box::new(jsonl::Drafts::new(std::io::BufReader::with_capacity(
                    1 << 18,
                    file,
                )))
            }
            Source::JsonLinesText(text) => Box::new(jsonl::Drafts::new(text.as_bytes())),
            Source::Drafts(drafts) => Box::new(drafts.iter().cloned().map(Ok)),
        })
    }

    /// Reads the whole source once to check every post and learn what
    /// settling slugs needs, then returns the settler and the post count.
    /// Nothing is written until this has passed, so a malformed post
    /// anywhere refuses the file before anything of it is stored.
    fn plan(&self) -> Result<(Settler, usize), ImportError> {
        let mut survey = Survey::default();
        for d in self.drafts()? {
            survey.note(&d?)?;
        }
        let posts = survey.posts;
        let settler = if survey.needs_file_slugs() {
            Settler::with_file_slugs(survey, self.drafts()?)?
        } else {
            Settler::new(survey)
        };
        Ok((settler, posts))
    }
}

/// Parses a whole file's text into posts ready to store.
pub fn parse(format: Format, text: &str) -> Result<Vec<ImportPost>, ImportError> {
    let source = match format {
        Format::JsonLines => Source::JsonLinesText(text),
        Format::BlogText => Source::Drafts(from_blog_text(text)?),
    };
    let (mut settler, _) = source.plan()?;
    source
        .drafts()?
        .map(|d| d.map(|d| settler.settle(d)))
        .collect()
}

/// Chunks of settled posts in flight between the parser and the store:
/// enough that neither waits on the other, few enough to stay small.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Checks one file whole, then streams it into the store in one
/// transaction: every post lands or none does. Parsing runs on a thread of
/// its own beside the writes.
pub async fn import_file(
    store: &Store,
    path: &Path,
    on_parsed: impl FnOnce(usize),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportSummary, ImportError> {
    let source = match Format::of(path)? {
        Format::JsonLines => Source::JsonLinesFile(path.to_owned()),
        Format::BlogText => Source::Drafts(from_blog_text(&read_text(path)?)?),
    };
    let (source, plan) = blocking(move || {
        let plan = source.plan();
        (source, plan)
    })
    .await?;
    let (mut settler, posts) = plan?;
    on_parsed(posts);

    let (chunks, mut received) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    let parser = blocking(move || -> Result<(), ImportError> {
        let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
        for d in source.drafts()? {
            chunk.push(settler.settle(d?));
            if chunk.len() == IMPORT_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(IMPORT_CHUNK));
                if chunks.blocking_send(full).is_err() {
                    // The writer gave up; its error is the one to report.
                    return Ok(());
                }
            }
        }
        if !chunk.is_empty() {
            let _ = chunks.blocking_send(chunk);
        }
        Ok(())
    });
    let mut import = store.begin_import().await?;
    let mut done = 0u64;
    while let Some(chunk) = received.recv().await {
        import.write(&chunk).await?;
        done += chunk.len() as u64;
        progress(done);
    }
    // The file may have changed since it was checked: a post that no
    // longer parses rolls everything back.
    parser.await??;
    Ok(import.commit().await?)
}

/// Runs file reading and parsing off the async threads, starting at once
/// (not when awaited: the parser must run while the writer waits on it).
fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = Result<T, ImportError>> {
    let running = tokio::task::spawn_blocking(work);
    async move {
        running
            .await
            .map_err(|e| ImportError::File(format!("the import was interrupted: {e}")))
    }
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes =
        std::fs::read(path).map_err(|e| ImportError::File(format!("{}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ImportError::at(line, "the file is not valid UTF-8")
    })
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
                media: p
                    .media
                    .iter()
                    .filter_map(|(kind, caption)| Media::parse(*kind, None, Some(caption)).ok())
                    .take(crate::limits::Limits::MEDIA_PER_POST)
                    .collect(),
                links: p
                    .links
                    .iter()
                    .filter_map(|title| Link::parse(title, None).ok())
                    .take(crate::limits::Limits::LINKS_PER_POST)
                    .collect(),
            })
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
