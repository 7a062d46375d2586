//! Answers for chat widgets: the sentence or two of the best post that
//! answer the visitor's question, with a confidence that can say "none".

use std::collections::{HashMap, HashSet};

use std::sync::Arc;

use entity::post;

use super::Search;
use super::analysis::{is_stop_word, stems};
use super::executor::SearchParams;
use super::expansion::Source;
use super::numbered::Pairing;
use super::planner::Plan;
pub use super::sentences::split_sentences;
use crate::error::Result;

/// Below this confidence there is no answer: a wrong answer in a chat
/// widget costs more than "I don't know".
pub const MIN_CONFIDENCE: f32 = 0.35;
/// What each sentence further into an answer costs, up to the fourth:
/// answers lead with the point, and a later sentence that shares the
/// question's words more often elaborates (chosen on the evaluation's dev
/// sets: 0.01 to 0.15 tried). Past the third sentence no further cost: in
/// a long entry the answer is often a paragraph down, after the context
/// (capping at 3 gave the FAQ's dev half 3 more right answers, and 2 or 5
/// did worse on one set or another).
const LATER_SENTENCE: f32 = 0.1;
/// Below this closeness in meaning (a cosine of about 0.27) the best post
/// is taken to be about something else; on the dev sets it left 24 of
/// the 36 unanswerable questions unanswered (14 before), at the cost of 4
/// of 159 right answers.
const OFF_TOPIC: f32 = 0.2;
/// What a sentence that tells the visitor what to do is worth when the
/// question asks how to do something: "You can use cron-apt" answers "can
/// Debian install updates automatically", the sentence before it that
/// shares more words does not (0.05 to 0.2 gave the same on the dev sets).
const INSTRUCTION: f32 = 0.1;
/// Posts whose sentences are considered.
const CANDIDATE_POSTS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOutcome {
    pub post_id: i64,
    /// One to three consecutive sentences of the post's answer.
    pub sentences: Vec<String>,
    pub confidence: f32,
}

/// The answer to a question, with the post it comes from.
#[derive(Debug, Clone)]
pub struct FoundAnswer {
    pub post: Arc<post::Model>,
    /// One to three consecutive sentences of the post's answer.
    pub sentences: Vec<String>,
    /// 0 to 1; never below [`MIN_CONFIDENCE`].
    pub confidence: f32,
}

/// The text of a candidate post, as the caller loaded it.
pub struct PostText<'a> {
    pub id: i64,
    pub title: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
    /// How close the post is in meaning to the question, when a model
    /// measured it (the cosine of their vectors).
    pub cosine: Option<f32>,
}

impl Search {
    /// The answer to `question` from the best few posts, or `None` when
    /// none answers it well enough (logged as an "answer").
    pub async fn answer(&self, question: &str) -> Result<Option<FoundAnswer>> {
        let generation = self.generation();
        let mut params = SearchParams::new(question, CANDIDATE_POSTS);
        params.log_as = Some("answer");
        params.by_meaning = true;
        self.understand(&mut params).await?;
        let outcome = self.search(&params)?;
        let posts = self.posts_of(generation, &outcome.hits).await?;
        let texts: Vec<(PostText<'_>, f32)> = posts
            .iter()
            .map(|(hit, p)| {
                let text = PostText {
                    id: p.id,
                    title: &p.title,
                    question: &p.question,
                    answer: &p.answer,
                    cosine: hit.cosine,
                };
                (text, hit.score)
            })
            .collect();
        let Some(found) = choose(&outcome.plan, &texts) else {
            return Ok(None);
        };
        Ok(posts
            .iter()
            .find(|(_, p)| p.id == found.post_id)
            .map(|(_, post)| FoundAnswer {
                post: post.clone(),
                sentences: found.sentences,
                confidence: found.confidence,
            }))
    }
}

/// A concept's weight, and each form it takes (stems) with what a match
/// through that form is worth.
struct WeightedConcept {
    weight: f32,
    forms: Vec<(Vec<String>, f32)>,
    /// The concept is what the question's expected kind of fact stands for
    /// ("cost" when an amount of money is expected): a sentence stating
    /// such a fact covers it, whatever its words.
    asks_for_fact: bool,
}

/// Picks the answer among the candidate posts (best first, with scores):
/// the one or two consecutive sentences that cover most of the question
/// (and the next when the last stops unfinished),
/// weighed with how well their post as a whole matches it.
pub fn choose(plan: &Plan, candidates: &[(PostText<'_>, f32)]) -> Option<AnswerOutcome> {
    let expects = Expected::of(&plan.words);
    let wants_steps = asks_how_to(&plan.words);
    let concepts: Vec<WeightedConcept> = plan
        .content_concepts()
        .map(|c| WeightedConcept {
            weight: c.weight.max(1e-3),
            forms: c
                .alternatives
                .iter()
                .map(|a| (a.stems.clone(), source_weight(a.source)))
                .collect(),
            asks_for_fact: expects.is_some_and(|e| c.words.iter().any(|w| e.is_asked_by(w))),
        })
        .collect();
    // Words matched through a typo or a completion suggest, but cannot on
    // their own carry an answer: "reset" read as "rest" answers nothing.
    let literal: Vec<WeightedConcept> = concepts
        .iter()
        .map(|c| WeightedConcept {
            weight: c.weight,
            forms: c.forms.iter().filter(|(_, q)| *q >= 1.0).cloned().collect(),
            asks_for_fact: false,
        })
        .collect();
    let total: f32 = concepts.iter().map(|c| c.weight).sum();
    if concepts.is_empty() || total <= 0.0 {
        return None;
    }
    let cover_of =
        |concepts: &[WeightedConcept], present: &HashSet<String>, states_fact: bool| -> f32 {
            let got: f32 = concepts
                .iter()
                .map(|c| {
                    if states_fact && c.asks_for_fact {
                        return c.weight;
                    }
                    let best = c
                        .forms
                        .iter()
                        .filter(|(s, _)| s.iter().all(|t| present.contains(t)))
                        .map(|(_, q)| *q)
                        .fold(0.0, f32::max);
                    c.weight * best
                })
                .sum();
            got / total
        };
    let cover =
        |present: &HashSet<String>, states_fact: bool| cover_of(&concepts, present, states_fact);
    let stem_set = |text: &str| -> HashSet<String> { stems(text).into_iter().collect() };

    let top_score = candidates.first()?.1.max(1e-6);
    // (value, post id, first sentence, sentence count, window cover, post cover)
    let mut best: Option<(f32, usize, usize, usize, f32, f32)> = None;
    let mut literal_covers = Vec::with_capacity(candidates.len());
    let mut split: Vec<Vec<String>> = Vec::with_capacity(candidates.len());
    let mut pairings: Vec<Option<Pairing>> = Vec::with_capacity(candidates.len());
    for (rank, (post, score)) in candidates.iter().enumerate() {
        let answer_states_fact = expects.is_some_and(|t| t.found_in(post.answer));
        let whole = format!("{}\n{}\n{}", post.title, post.question, post.answer);
        let whole_stems = stem_set(&whole);
        let post_cover = cover(&whole_stems, answer_states_fact);
        literal_covers.push(cover_of(&literal, &whole_stems, false));
        let closeness = post.cosine.map(super::semantic::closeness);
        let asked_cover = cover(
            &stem_set(&format!("{}\n{}", post.title, post.question)),
            false,
        );
        let weight = (score / top_score).sqrt() / (1.0 + 0.1 * rank as f32);
        // Close in meaning, the post is about what was asked even where
        // its words differ; the words still pick the sentence.
        let post_value = match closeness {
            Some(c) => 0.5 * post_cover + 0.5 * c,
            None => post_cover,
        };
        let sentences = split_sentences(post.answer);
        let sets: Vec<HashSet<String>> = sentences.iter().map(|s| stem_set(s)).collect();
        // In a post answering numbered questions by number, each answer
        // leads with its own point and is asked by its own question.
        let pairing = Pairing::of(&split_sentences(post.question), &sentences);
        let item_covers: HashMap<u32, f32> = pairing.as_ref().map_or_else(HashMap::new, |p| {
            p.questions
                .iter()
                .map(|(&n, q)| (n, cover(&stem_set(&format!("{}\n{q}", post.title)), false)))
                .collect()
        });
        for i in 0..sentences.len() {
            for len in 1..=2usize.min(sentences.len() - i) {
                if pairing
                    .as_ref()
                    .is_some_and(|p| !p.same_item(i, i + len - 1))
                {
                    continue;
                }
                let union: HashSet<String> = sets[i..i + len].iter().flatten().cloned().collect();
                let states_fact =
                    expects.is_some_and(|t| sentences[i..i + len].iter().any(|s| t.found_in(s)));
                let window_cover = cover(&union, states_fact);
                let (position, asked) = match &pairing {
                    Some(p) => (
                        p.position_in_item(i),
                        p.item_of(i)
                            .and_then(|n| item_covers.get(&n).copied())
                            .unwrap_or(asked_cover),
                    ),
                    None => (i, asked_cover),
                };
                // A second sentence must earn its place; answers tend to
                // lead with the point.
                let steps = wants_steps && sentences[i..i + len].iter().any(|s| instructs(s));
                let value = (0.45 * window_cover + 0.35 * post_value + 0.2 * asked) * weight
                    + if steps { INSTRUCTION } else { 0.0 }
                    - 0.04 * (len - 1) as f32
                    - LATER_SENTENCE * position.min(3) as f32;
                if best.is_none_or(|b| value > b.0) {
                    best = Some((value, rank, i, len, window_cover, post_cover));
                }
            }
        }
        split.push(sentences);
        pairings.push(pairing);
    }
    let (_, rank, first, mut len, window_cover, post_cover) = best?;
    let sentences = &split[rank];
    // A sentence that introduces a list needs the first item, and a bare
    // "Yes." or "Go ahead." needs the sentence that says what to.
    let followed = |last: usize| {
        last + 1 < sentences.len()
            && pairings[rank]
                .as_ref()
                .is_none_or(|p| p.same_item(last, last + 1))
    };
    let curt = sentences[first].split_whitespace().count() <= 3;
    if len == 1
        && followed(first)
        && (sentences[first].ends_with(':')
            || curt
            || qualifies(&sentences[first], &sentences[first + 1]))
    {
        len = 2;
    }
    // One that stops unfinished ("… by running", then the command on a
    // line of its own) needs what finishes it.
    let last = first + len - 1;
    if unfinished(&sentences[last]) && followed(last) {
        len += 1;
    }
    let closeness = candidates[rank].0.cosine.map(super::semantic::closeness);
    if literal_covers[rank] == 0.0 && closeness.is_none_or(|c| c < 0.5) {
        return None;
    }
    // A post the model finds far from the question is not about it,
    // whatever words they share.
    if closeness.is_some_and(|c| c < OFF_TOPIC) {
        return None;
    }
    let margin = match candidates.get(1) {
        Some((_, second)) => ((top_score - second) / top_score).clamp(0.0, 1.0),
        None => 1.0,
    };
    let confidence = match closeness {
        Some(c) => 0.35 * post_cover + 0.2 * window_cover + 0.1 * margin + 0.35 * c,
        None => 0.5 * post_cover + 0.3 * window_cover + 0.2 * margin,
    }
    .clamp(0.0, 1.0);
    (confidence >= MIN_CONFIDENCE).then(|| AnswerOutcome {
        post_id: candidates[rank].0.id,
        // "3. It fades" answers 3 of a list the visitor never saw.
        sentences: sentences[first..first + len]
            .iter()
            .map(|s| super::numbered::without_marker(s).to_owned())
            .collect(),
        confidence,
    })
}

/// Whether a sentence stops where no sentence ends: on a word, a comma
/// or a dash, as one does that a command or an example on the next line
/// completes.
fn unfinished(sentence: &str) -> bool {
    sentence
        .trim_end()
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, ',' | ';' | '-' | '–' | '—'))
}

/// Whether a question asks how to do something ("how do I …", "how to
/// …", "can I …", "is there a way to …") rather than what something is.
fn asks_how_to(words: &[String]) -> bool {
    let at = |i: usize| words.get(i).map(String::as_str);
    let opens = |first: &str, second: &[&str]| {
        words
            .windows(2)
            .any(|p| p[0] == first && second.contains(&p[1].as_str()))
    };
    opens(
        "how",
        &["do", "can", "should", "to", "would", "could", "does"],
    ) || (matches!(at(0), Some("can" | "could" | "should"))
        && matches!(at(1), Some("i" | "you" | "we" | "one" | "debian" | "it")))
        || opens("way", &["to"])
}

/// Whether a sentence tells the reader what to do: "you can use …",
/// "run …", "take a look at …", or a command line of its own.
fn instructs(sentence: &str) -> bool {
    let lower = sentence.trim().to_lowercase();
    const TELLS: &[&str] = &[
        "you can ",
        "you should ",
        "you need to ",
        "you must ",
        "you may want ",
        "you will need ",
        "use the ",
        "run ",
        "execute ",
        "type ",
        "take a look",
        "look at ",
        "simply ",
        "just ",
    ];
    const IMPERATIVE: &[&str] = &[
        "use ", "run ", "type ", "install ", "add ", "edit ", "open ", "try ", "avoid ", "ask ",
        "start ", "see ", "check ", "read ", "keep ", "wash ", "apply ", "call ", "book ",
    ];
    TELLS.iter().any(|t| lower.contains(t)) || IMPERATIVE.iter().any(|t| lower.starts_with(t))
}

/// Words opening a sentence that qualifies the one before it.
const QUALIFIER_OPENERS: &[&str] = &[
    "but",
    "however",
    "though",
    "although",
    "unless",
    "except",
    "still",
    "yet",
    "that said",
];

/// A statement short enough to leave its qualification to the next
/// sentence: "It will fade with or without sun." then "UV light makes it
/// fade a bit more, but it won't erase." The answer is both.
const SHORT_STATEMENT_WORDS: usize = 12;

/// Whether `next` qualifies `fact`: it opens with a qualifier, or `fact`
/// is short and `next` turns on it ("though") or goes on about one of
/// its words.
fn qualifies(fact: &str, next: &str) -> bool {
    let lower = next.trim_start().to_lowercase();
    let opens_with_qualifier = QUALIFIER_OPENERS.iter().any(|q| {
        lower
            .strip_prefix(q)
            .is_some_and(|rest| rest.starts_with([' ', ',']))
    });
    if opens_with_qualifier {
        return true;
    }
    if fact.split_whitespace().count() > SHORT_STATEMENT_WORDS {
        return false;
    }
    // "…, though, …" turns on the fact wherever it stands.
    let turns = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| QUALIFIER_OPENERS.contains(&w));
    if turns {
        return true;
    }
    let content = |text: &str| -> HashSet<String> {
        stems(text)
            .into_iter()
            .filter(|s| s.len() > 2 && !is_stop_word(s))
            .collect()
    };
    !content(fact).is_disjoint(&content(next))
}

/// What kind of fact a question asks for, when its wording says so: "how
/// much does it cost" wants an amount of money, "how long" a duration. A
/// sentence that states one is likelier to be the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Money,
    Duration,
}

impl Expected {
    fn of(words: &[String]) -> Option<Expected> {
        let has = |w: &str| words.iter().any(|x| x == w);
        let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
        if pair("how", "much")
            || [
                "cost",
                "costs",
                "price",
                "fee",
                "fees",
                "charge",
                "expensive",
                "pay",
            ]
            .iter()
            .any(|w| has(w))
        {
            Some(Expected::Money)
        } else if pair("how", "long") || pair("how", "soon") || has("when") {
            Some(Expected::Duration)
        } else {
            None
        }
    }

    /// Whether a question word stands for this kind of fact.
    fn is_asked_by(self, word: &str) -> bool {
        match self {
            Expected::Money => [
                "cost",
                "costs",
                "price",
                "prices",
                "fee",
                "fees",
                "charge",
                "much",
                "expensive",
                "pay",
            ]
            .contains(&word),
            Expected::Duration => ["long", "soon", "when"].contains(&word),
        }
    }

    fn found_in(self, sentence: &str) -> bool {
        match self {
            Expected::Money => {
                sentence.contains(['$', '£', '€']) || sentence.to_lowercase().contains(" dollars")
            }
            Expected::Duration => {
                let lower = sentence.to_lowercase();
                let units = [
                    "minute",
                    "hour",
                    "day",
                    "week",
                    "month",
                    "year",
                    "fortnight",
                ];
                let has_number = lower.split_whitespace().any(|w| {
                    w.chars().next().is_some_and(|c| c.is_ascii_digit())
                        || [
                            "one", "two", "three", "four", "five", "six", "ten", "a few", "several",
                        ]
                        .contains(&w)
                });
                has_number && units.iter().any(|u| lower.contains(u))
            }
        }
    }
}

fn source_weight(source: Source) -> f32 {
    match source {
        Source::Exact | Source::Synonym => 1.0,
        Source::Prefix => 0.8,
        Source::Typo(_) => 0.7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_say_what_kind_of_fact_they_want() {
        let words = |q: &str| crate::search::analysis::words(q);
        assert_eq!(
            Expected::of(&words("how much is a touch-up")),
            Some(Expected::Money)
        );
        assert_eq!(
            Expected::of(&words("touch-up price")),
            Some(Expected::Money)
        );
        assert_eq!(
            Expected::of(&words("how long does redness last")),
            Some(Expected::Duration)
        );
        assert_eq!(Expected::of(&words("does smp fade")), None);
        assert!(Expected::Money.found_in("It costs $250."));
        assert!(!Expected::Money.found_in("It is affordable."));
        assert!(Expected::Duration.found_in("Redness settles within two days."));
        assert!(!Expected::Duration.found_in("Redness settles quickly."));
    }

    #[test]
    fn how_to_questions_want_sentences_that_say_what_to_do() {
        let words = |q: &str| crate::search::analysis::words(q);
        for asked in [
            "how do i file a bug",
            "how to keep my scalp clean",
            "can i swim after a session",
            "is there a way to lighten the dots",
        ] {
            assert!(asks_how_to(&words(asked)), "{asked}");
        }
        for asked in ["what is smp", "does it fade", "how much is a touch-up"] {
            assert!(!asks_how_to(&words(asked)), "{asked}");
        }
        assert!(instructs("You can use the package reportbug."));
        assert!(instructs("Avoid direct sun for a week."));
        assert!(!instructs("Pigment sits in the upper dermis."));
    }

    #[test]
    fn a_sentence_cut_off_before_its_command_is_unfinished() {
        assert!(unfinished("you can download it by running"));
        assert!(unfinished("For example,"));
        assert!(!unfinished("It fades with or without sun."));
        assert!(!unfinished("Is it safe?"));
        assert!(!unfinished("(see the manual)"));
    }

    #[test]
    fn a_qualifying_sentence_belongs_with_its_fact() {
        assert!(qualifies(
            "The dots soften with or without sunlight.",
            "Sunlight makes them soften faster, yet they never vanish."
        ));
        assert!(qualifies(
            "Most clients need two sessions.",
            "However, scars can take a third."
        ));
        assert!(!qualifies(
            "Most clients need two sessions.",
            "Our clinic opens at nine on weekdays."
        ));
        let long = "Most clients need two sessions spaced a week or so apart before the shade settles evenly across the scalp.";
        assert!(!qualifies(long, "Sessions are booked online."));
    }
}
