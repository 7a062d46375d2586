//! Relevance measurement over a judged query set: MRR@10, P@1, recall@3,
//! overall and per kind of query (plain, typo, prefix, paraphrase, multi),
//! and how well `answer` answers: right, wrong or silent, judged by a
//! phrase the answering sentence must hold, and whether it stays silent on
//! the questions (kind `none`) that the posts cannot answer.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::Search;
use super::analysis::stems;
use super::answer::split_sentences;
use super::executor::SearchParams;
use super::planner::Mode;
use crate::error::{Error, Result};
use crate::store::Store;

/// One line of a query file.
#[derive(Debug, Clone, Deserialize)]
pub struct Judged {
    pub query: String,
    /// Slugs of the posts that answer it, best first.
    pub relevant: Vec<String>,
    #[serde(default = "plain")]
    pub kind: String,
    /// A phrase of the sentence that answers it (whitespace and case
    /// aside); queries without one are not judged for answers, except
    /// those of kind `none`, which must get none.
    #[serde(default)]
    pub answer: Option<String>,
}

/// The kind of the queries that no post answers.
pub const UNANSWERABLE: &str = "none";

impl Judged {
    fn unanswerable(&self) -> bool {
        self.kind == UNANSWERABLE
    }
}

fn plain() -> String {
    "plain".to_owned()
}

pub fn parse_queries(text: &str) -> Result<Vec<Judged>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::bad_input(format!("line {}: {e}", i + 1)))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub queries: usize,
    pub mrr_at_10: f64,
    pub precision_at_1: f64,
    pub recall_at_3: f64,
}

#[derive(Debug, Default)]
struct Sums {
    n: usize,
    rr: f64,
    p1: f64,
    r3: f64,
}

impl Sums {
    fn add(&mut self, rr: f64, p1: f64, r3: f64) {
        self.n += 1;
        self.rr += rr;
        self.p1 += p1;
        self.r3 += r3;
    }

    fn metrics(&self) -> Metrics {
        let n = self.n.max(1) as f64;
        Metrics {
            queries: self.n,
            mrr_at_10: self.rr / n,
            precision_at_1: self.p1 / n,
            recall_at_3: self.r3 / n,
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub overall: Metrics,
    pub by_kind: BTreeMap<String, Metrics>,
    /// Queries whose first relevant post is not first, with what came first.
    pub misses: Vec<(String, Option<String>)>,
}

pub async fn evaluate(
    search: &Search,
    store: &Store,
    queries: &[Judged],
    mode: Mode,
    by_meaning: bool,
) -> Result<Report> {
    let mut all = Sums::default();
    let mut kinds: BTreeMap<String, Sums> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in queries.iter().filter(|q| !q.unanswerable()) {
        let mut params = SearchParams::new(q.query.clone(), 10);
        params.mode = mode;
        params.by_meaning = by_meaning;
        search.understand(&mut params).await?;
        let outcome = search.search(&params)?;
        let ids: Vec<i64> = outcome.hits.iter().map(|h| h.post_id).collect();
        let posts = store.posts_by_ids(&ids).await?;
        let slugs: Vec<String> = ids
            .iter()
            .filter_map(|id| posts.get(id))
            .map(|p| p.slug.clone())
            .collect();
        let relevant: HashSet<&str> = q.relevant.iter().map(String::as_str).collect();
        let first = slugs.iter().position(|s| relevant.contains(s.as_str()));
        let rr = first.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        let p1 = if first == Some(0) { 1.0 } else { 0.0 };
        let found = slugs
            .iter()
            .take(3)
            .filter(|s| relevant.contains(s.as_str()))
            .count();
        let r3 = found as f64 / relevant.len().clamp(1, 3) as f64;
        all.add(rr, p1, r3);
        kinds.entry(q.kind.clone()).or_default().add(rr, p1, r3);
        if first != Some(0) {
            misses.push((q.query.clone(), slugs.first().cloned()));
        }
    }
    Ok(Report {
        overall: all.metrics(),
        by_kind: kinds.into_iter().map(|(k, s)| (k, s.metrics())).collect(),
        misses,
    })
}

/// How answers fared: of the answerable queries judged by a phrase, and of
/// the queries no post answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerMetrics {
    /// Answerable queries with a judged phrase.
    pub answerable: usize,
    /// Of those, how many got an answer, and how many of the answers held
    /// the phrase.
    pub answered: usize,
    pub right: usize,
    /// Queries no post answers, and how many of them got no answer.
    pub unanswerable: usize,
    pub silent_on_unanswerable: usize,
    /// Every query that got no answer (answerable or not).
    pub silent: usize,
    /// The queries answered wrongly or left unanswered, with what was said.
    pub misses: Vec<(String, Answered)>,
    /// Every answer given: its confidence, and whether it was right (for
    /// an unanswerable question, never).
    pub given: Vec<(f32, bool)>,
}

impl AnswerMetrics {
    /// Of the answers given to answerable queries, the share that is right.
    pub fn precision(&self) -> f64 {
        ratio(self.right, self.answered)
    }

    /// Of the answerable queries, the share that got an answer.
    pub fn coverage(&self) -> f64 {
        ratio(self.answered, self.answerable)
    }

    /// Of the queries given no answer, the share that had none to give.
    pub fn no_answer_precision(&self) -> f64 {
        ratio(self.silent_on_unanswerable, self.silent)
    }

    /// Of the queries that had no answer to give, the share given none.
    pub fn no_answer_recall(&self) -> f64 {
        ratio(self.silent_on_unanswerable, self.unanswerable)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// What an answerer made of one query: the sentences and the confidence,
/// or silence.
pub type Answered = Option<(String, f32)>;

/// Judges `answer` (kbql's, or the baseline's) on the queries.
pub async fn evaluate_answers<F, Fut>(queries: &[Judged], mut answer: F) -> Result<AnswerMetrics>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<Answered>>,
{
    let mut m = AnswerMetrics::default();
    for q in queries {
        if !q.unanswerable() && q.answer.is_none() {
            continue;
        }
        let given = answer(q.query.clone()).await?;
        if given.is_none() {
            m.silent += 1;
        }
        if q.unanswerable() {
            m.unanswerable += 1;
            m.silent_on_unanswerable += usize::from(given.is_none());
            if let Some((_, confidence)) = &given {
                m.given.push((*confidence, false));
                m.misses.push((q.query.clone(), given));
            }
            continue;
        }
        m.answerable += 1;
        let right = match (&given, &q.answer) {
            (Some((text, _)), Some(phrase)) => holds(text, phrase),
            _ => false,
        };
        if let Some((_, confidence)) = &given {
            m.given.push((*confidence, right));
        }
        m.answered += usize::from(given.is_some());
        m.right += usize::from(right);
        if !right {
            m.misses.push((q.query.clone(), given));
        }
    }
    Ok(m)
}

/// Whether `text` holds `phrase`, ignoring case and how lines were wrapped.
pub fn holds(text: &str, phrase: &str) -> bool {
    let squeeze = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    squeeze(text).contains(&squeeze(phrase))
}

/// kbql's answer to `question`, as its sentences joined.
pub async fn kbql_answer(search: &Search, question: String) -> Result<Answered> {
    Ok(search
        .answer(&question)
        .await?
        .map(|found| (found.sentences.join(" "), found.confidence)))
}

/// The answer a plain engine would give: BM25's first post, and in it the
/// sentence that shares most words with the question; silent only when no
/// post matches at all.
pub async fn baseline_answer(search: &Search, store: &Store, question: String) -> Result<Answered> {
    let mut params = SearchParams::new(question.clone(), 1);
    params.mode = Mode::Baseline;
    let outcome = search.search(&params)?;
    let Some(hit) = outcome.hits.first() else {
        return Ok(None);
    };
    let posts = store.posts_by_ids(&[hit.post_id]).await?;
    let Some(post) = posts.get(&hit.post_id) else {
        return Ok(None);
    };
    let asked: HashSet<String> = stems(&question).into_iter().collect();
    Ok(split_sentences(&post.answer)
        .into_iter()
        .map(|s| {
            let shared = stems(&s).into_iter().collect::<HashSet<_>>();
            (shared.intersection(&asked).count(), s)
        })
        // The earliest of the sentences sharing most words.
        .fold(None::<(usize, String)>, |best, (n, s)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, s)),
        })
        .map(|(_, s)| (s, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(kind: &str, answer: Option<&str>) -> Judged {
        Judged {
            query: "q".into(),
            relevant: vec![],
            kind: kind.into(),
            answer: answer.map(str::to_owned),
        }
    }

    #[test]
    fn phrases_match_across_line_breaks_and_case() {
        assert!(holds(
            "It costs\n  $250 for a\ntouch-up.",
            "$250 for a touch-up"
        ));
        assert!(!holds("It costs $300.", "$250"));
    }

    #[tokio::test]
    async fn answers_are_counted_right_wrong_and_silent() {
        let queries = [
            judged("plain", Some("two weeks")),
            judged("plain", Some("two weeks")),
            judged("plain", Some("two weeks")),
            judged("none", None),
            judged("none", None),
            judged("prefix", None),
        ];
        let mut replies = vec![
            Some(("It takes two weeks.".to_owned(), 0.9)),
            Some(("It takes a month.".to_owned(), 0.5)),
            None,
            None,
            Some(("Something.".to_owned(), 0.4)),
        ]
        .into_iter();
        let m = evaluate_answers(&queries, |_| {
            let reply = replies.next().expect("one reply per judged query");
            async move { Ok(reply) }
        })
        .await
        .unwrap();
        assert_eq!((m.answerable, m.answered, m.right), (3, 2, 1));
        assert_eq!(
            (m.unanswerable, m.silent_on_unanswerable, m.silent),
            (2, 1, 2)
        );
        assert_eq!(m.precision(), 0.5);
        assert_eq!(m.no_answer_precision(), 0.5);
        assert_eq!(m.no_answer_recall(), 0.5);
        assert_eq!(m.given, [(0.9, true), (0.5, false), (0.4, false)]);
    }
}
