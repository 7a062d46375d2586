//! A deterministic generator of synthetic posts in the JSON Lines import
//! format, for benchmarking import and search at realistic scale.
//!
//! Each post picks one topic and draws most of its words from that topic's
//! vocabulary, so a title, its question and its answer talk about the same
//! thing. Common English comes from the sentence templates, domain words
//! from the topic tables, and a long tail of rare tokens from skewed draws
//! over large pools (jobs, places, hobbies, conditions) and from numbers
//! (prices, graft counts, ages). That mix gives term frequencies close
//! enough to real clinic blogs for ranking and index-size measurements.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use words::*;

mod words;

/// Writes `posts` synthetic posts as JSON Lines, the same for the same seed.
pub fn generate(posts: usize, seed: u64, out: &mut impl Write) -> io::Result<()> {
    let tables = Tables::new();
    let mut ctx = Ctx {
        rng: StdRng::seed_from_u64(seed),
        tables: &tables,
        topic: &TOPICS[0],
        bound: [None; SLOT_COUNT],
        used: Vec::with_capacity(16),
    };
    let mut post = PostBuf::default();
    // One reused line buffer means one `write_all` per post whatever the
    // writer, and no allocation once the buffer has grown to size.
    let mut line = Vec::with_capacity(8 * 1024);
    let mut seen = HashSet::with_capacity(posts);
    for index in 0..posts {
        // Short answers from a finite set of templates do collide now and
        // then; identical documents would skew search benchmarks, so draw
        // again. The bound only guards against a pathological corpus size.
        for _ in 0..64 {
            ctx.fill(index, &mut post);
            if seen.insert(post.fingerprint()) {
                break;
            }
        }
        line.clear();
        serde_json::to_writer(&mut line, &post.record())?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Output record
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct Record<'a> {
    kind: &'static str,
    slug: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    question: Option<&'a str>,
    answer: &'a str,
    tags: &'a [&'static str],
    category: &'static str,
    asked_by: Option<&'static str>,
    answered_by: &'static str,
    published_at: &'a str,
}

/// Buffers for one post, reused across posts so the steady state allocates
/// nothing.
#[derive(Default)]
struct PostBuf {
    is_article: bool,
    slug: String,
    title: String,
    question: String,
    answer: String,
    tags: Vec<&'static str>,
    category: &'static str,
    asked_by: Option<&'static str>,
    answered_by: &'static str,
    published_at: String,
}

impl PostBuf {
    /// FNV-1a over the searchable text; stable across Rust releases, unlike
    /// the standard hasher, so retries and hence output never change.
    fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [&self.title, &self.question, &self.answer] {
            for &b in part.as_bytes().iter().chain(&[0xff]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    }

    fn record(&self) -> Record<'_> {
        Record {
            kind: if self.is_article {
                "article"
            } else {
                "question"
            },
            slug: &self.slug,
            title: &self.title,
            question: (!self.is_article).then_some(self.question.as_str()),
            answer: &self.answer,
            tags: &self.tags,
            category: self.category,
            asked_by: self.asked_by,
            answered_by: self.answered_by,
            published_at: &self.published_at,
        }
    }
}

// ---------------------------------------------------------------------------
// Template slots
// ---------------------------------------------------------------------------

/// A placeholder in a template, written `{name}`. Within one post a slot is
/// bound on first use so the title, question and answer agree ("$1,200" in
/// the title is the price in the question); `{name2}` draws a fresh value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Proc,
    Area,
    Symptom,
    Product,
    Time,
    Wait,
    Gap,
    Count,
    Person,
    Job,
    Hobby,
    Event,
    Place,
    Condition,
    Skin,
    Adj,
    Age,
    Decade,
    Norwood,
    Cm,
    Grafts,
    Price,
    Deposit,
    Pct,
    Year,
    Month,
    Brand,
}

const SLOT_COUNT: usize = Slot::Brand as usize + 1;

impl Slot {
    fn parse(name: &str) -> Option<(Slot, bool)> {
        let (base, fresh) = match name.strip_suffix('2') {
            Some(base) => (base, true),
            None => (name, false),
        };
        let slot = match base {
            "proc" => Slot::Proc,
            "area" => Slot::Area,
            "symptom" => Slot::Symptom,
            "product" => Slot::Product,
            "time" => Slot::Time,
            "wait" => Slot::Wait,
            "gap" => Slot::Gap,
            "count" => Slot::Count,
            "person" => Slot::Person,
            "job" => Slot::Job,
            "hobby" => Slot::Hobby,
            "event" => Slot::Event,
            "place" => Slot::Place,
            "condition" => Slot::Condition,
            "skin" => Slot::Skin,
            "adj" => Slot::Adj,
            "age" => Slot::Age,
            "decade" => Slot::Decade,
            "norwood" => Slot::Norwood,
            "cm" => Slot::Cm,
            "grafts" => Slot::Grafts,
            "price" => Slot::Price,
            "deposit" => Slot::Deposit,
            "pct" => Slot::Pct,
            "year" => Slot::Year,
            "month" => Slot::Month,
            "brand" => Slot::Brand,
            _ => return None,
        };
        Some((slot, fresh))
    }
}

#[derive(Clone, Copy)]
enum Val {
    Text(&'static str),
    Int(u32),
    /// Written with thousands separators ("2,350").
    Grouped(u32),
    Money(u32),
    /// An invented product name, identified by its popularity rank.
    Brand(u32),
}

impl Val {
    fn push(self, out: &mut String) {
        match self {
            Val::Text(s) => out.push_str(s),
            Val::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Val::Grouped(n) => push_grouped(out, n),
            Val::Money(n) => {
                out.push('$');
                push_grouped(out, n);
            }
            Val::Brand(rank) => push_brand(out, rank),
        }
    }
}

/// How many distinct invented brands the corpus can mention.
const BRAND_RANKS: u32 = 50_000;

/// Spells brand `rank` from syllables. The rank is scrambled first so that
/// neighbouring ranks, which have similar popularity, don't look alike.
fn push_brand(out: &mut String, rank: u32) {
    let mut h = u64::from(rank).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    let mut take = |n: usize| {
        let i = (h % n as u64) as usize;
        h /= n as u64;
        i
    };
    out.push_str(BRAND_HEADS[take(BRAND_HEADS.len())]);
    if take(3) == 0 {
        out.push_str(BRAND_LINKS[take(BRAND_LINKS.len())]);
    }
    out.push_str(BRAND_LINKS[take(BRAND_LINKS.len())]);
    out.push_str(BRAND_TAILS[take(BRAND_TAILS.len())]);
}

fn push_grouped(out: &mut String, n: u32) {
    if n >= 1000 {
        let _ = write!(out, "{},{:03}", n / 1000, n % 1000);
    } else {
        let _ = write!(out, "{n}");
    }
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// Pools built once per run from the const tables.
struct Tables {
    topic_cum: Vec<f64>,
    tag_cum: Vec<f64>,
    procs: Vec<&'static str>,
    areas: Vec<&'static str>,
    symptoms: Vec<&'static str>,
    products: Vec<&'static str>,
}

impl Tables {
    fn new() -> Self {
        let flat = |f: fn(&Topic) -> &'static [&'static str]| -> Vec<&'static str> {
            TOPICS.iter().flat_map(|t| f(t).iter().copied()).collect()
        };
        Tables {
            topic_cum: cumulative(TOPICS.iter().map(|t| t.weight)),
            // Zipf with s slightly above 1: the head tags land on a large
            // share of posts while the bulk of the pool stays rare.
            tag_cum: cumulative((1..=TAGS.len()).map(|rank| 1.0 / (rank as f64).powf(1.1))),
            procs: flat(|t| t.procs),
            areas: flat(|t| t.areas),
            symptoms: flat(|t| t.symptoms),
            products: flat(|t| t.products),
        }
    }
}

/// Normalised running totals, for inverse-CDF sampling by binary search.
fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    let mut cum: Vec<f64> = weights
        .map(|w| {
            total += w;
            total
        })
        .collect();
    for c in &mut cum {
        *c /= total;
    }
    cum
}

/// Which template pool a chosen sentence came from, so a post never says
/// the same sentence twice.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pool {
    TopicAnswer,
    GenericAnswer,
    TopicStep,
    GenericStep,
}

struct Ctx<'t> {
    rng: StdRng,
    tables: &'t Tables,
    topic: &'static Topic,
    bound: [Option<Val>; SLOT_COUNT],
    /// Templates already used in the current post.
    used: Vec<(Pool, usize)>,
}

impl Ctx<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    fn sample_cum(&mut self, cum: &[f64]) -> usize {
        let u = self.rng.random::<f64>();
        cum.partition_point(|&c| c <= u).min(cum.len() - 1)
    }

    /// A power-law-ish pick that favours the front of `pool`; tables are
    /// ordered from common to rare so the tail stays rare.
    fn skewed(&mut self, pool: &[&'static str], power: f64) -> &'static str {
        let u = self.rng.random::<f64>().powf(power);
        pool[((u * pool.len() as f64) as usize).min(pool.len() - 1)]
    }

    fn topical(&mut self, local: &'static [&'static str], global: &[&'static str]) -> &'static str {
        if local.is_empty() || self.chance(0.12) {
            self.skewed(global, 1.5)
        } else {
            self.skewed(local, 1.4)
        }
    }

    fn value(&mut self, slot: Slot) -> Val {
        let tables = self.tables;
        let topic = self.topic;
        match slot {
            Slot::Proc => Val::Text(self.topical(topic.procs, &tables.procs)),
            Slot::Area => Val::Text(self.topical(topic.areas, &tables.areas)),
            Slot::Symptom => Val::Text(self.topical(topic.symptoms, &tables.symptoms)),
            Slot::Product => Val::Text(self.topical(topic.products, &tables.products)),
            Slot::Time => Val::Text(self.skewed(TIMES, 1.6)),
            Slot::Wait => Val::Text(self.skewed(WAITS, 1.4)),
            Slot::Gap => Val::Text(self.skewed(GAPS, 1.4)),
            Slot::Count => Val::Text(self.skewed(SESSIONS, 1.5)),
            Slot::Person => Val::Text(self.skewed(PERSONS, 2.0)),
            Slot::Job => Val::Text(self.skewed(JOBS, 2.0)),
            Slot::Hobby => Val::Text(self.skewed(HOBBIES, 2.0)),
            Slot::Event => Val::Text(self.skewed(EVENTS, 2.0)),
            Slot::Place => Val::Text(self.skewed(PLACES, 2.0)),
            Slot::Condition => Val::Text(self.skewed(CONDITIONS, 2.0)),
            Slot::Skin => Val::Text(self.skewed(SKIN_TONES, 1.3)),
            Slot::Adj => Val::Text(self.skewed(ADJECTIVES, 1.5)),
            Slot::Decade => Val::Text(self.skewed(DECADES, 1.0)),
            Slot::Month => Val::Text(self.skewed(MONTHS, 1.0)),
            Slot::Age => Val::Int(self.rng.random_range(19..69)),
            Slot::Norwood => Val::Int(self.rng.random_range(2..8)),
            Slot::Cm => Val::Int(self.rng.random_range(6..31)),
            Slot::Pct => Val::Int(self.rng.random_range(1..7) * 5),
            Slot::Year => Val::Int(self.rng.random_range(2006..2024)),
            Slot::Grafts => Val::Grouped(self.rng.random_range(24..100) * 50),
            Slot::Brand => {
                // Log-uniform rank is a Zipf (s = 1) draw over the ranks:
                // a few brands recur everywhere, most appear once or twice.
                let u = self.rng.random::<f64>();
                Val::Brand(((BRAND_RANKS as f64 + 1.0).powf(u) - 1.0) as u32)
            }
            Slot::Deposit => Val::Money(self.rng.random_range(2..7) * 50),
            Slot::Price => {
                let (lo, hi) = topic.price;
                Val::Money(self.rng.random_range(lo / 50..hi / 50 + 1) * 50)
            }
        }
    }

    /// Appends `tpl` with its slots filled.
    fn expand(&mut self, tpl: &str, out: &mut String) {
        let mut rest = tpl;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            let name = &after[..close];
            match Slot::parse(name) {
                Some((slot, fresh)) => {
                    let val = match self.bound[slot as usize] {
                        Some(v) if !fresh => v,
                        _ => {
                            let v = self.value(slot);
                            if !fresh {
                                self.bound[slot as usize] = Some(v);
                            }
                            v
                        }
                    };
                    val.push(out);
                }
                None => {
                    debug_assert!(false, "unknown template slot {{{name}}}");
                    out.push_str(&rest[open..open + close + 2]);
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }

    /// Appends one sentence, capitalised, separated from what came before;
    /// returns where it starts.
    fn sentence(&mut self, tpl: &str, out: &mut String) -> usize {
        if !out.is_empty() && !out.ends_with(['\n', ' ']) {
            out.push(' ');
        }
        let start = out.len();
        self.expand(tpl, out);
        capitalise_at(out, start);
        start
    }

    /// Picks a template from `topic_pool` with probability `p_topic`, else
    /// from `generic`, avoiding ones already used in this post.
    fn pick(
        &mut self,
        topic_pool: (Pool, &'static [&'static str]),
        generic: (Pool, &'static [&'static str]),
        p_topic: f64,
    ) -> &'static str {
        for _ in 0..12 {
            let (pool, list) = if !topic_pool.1.is_empty() && self.chance(p_topic) {
                topic_pool
            } else {
                generic
            };
            let i = self.rng.random_range(0..list.len());
            if !self.used.contains(&(pool, i)) {
                self.used.push((pool, i));
                return list[i];
            }
        }
        // Both pools nearly exhausted: a repeat is better than looping on.
        generic.1[self.rng.random_range(0..generic.1.len())]
    }

    fn fill(&mut self, index: usize, post: &mut PostBuf) {
        self.bound = [None; SLOT_COUNT];
        let tables = self.tables;
        self.topic = &TOPICS[self.sample_cum(&tables.topic_cum)];
        post.is_article = self.chance(0.1);

        post.title.clear();
        post.question.clear();
        post.answer.clear();
        self.used.clear();
        if post.is_article {
            self.headline(&mut post.title);
        } else {
            let asked = self.question(&mut post.question);
            // Many blogs simply reuse the reader's question as the title.
            match asked.filter(|_| self.chance(0.15)) {
                Some(q) => post.title.push_str(q),
                None => self.title(&mut post.title),
            }
        }
        self.answer(post.is_article, &mut post.answer);

        build_slug(index, &post.title, &mut post.slug);
        self.tags(&mut post.tags);
        post.category = if self.chance(0.92) {
            self.topic.category
        } else {
            CATEGORIES[self.rng.random_range(0..CATEGORIES.len())]
        };
        post.asked_by = if !post.is_article && self.chance(0.72) {
            Some(self.skewed(FIRST_NAMES, 1.6))
        } else {
            None
        };
        post.answered_by = if self.chance(0.75) {
            DOCTORS[self.topic.doctor]
        } else {
            DOCTORS[self.rng.random_range(0..DOCTORS.len())]
        };
        self.published_at(&mut post.published_at);
    }

    fn title(&mut self, out: &mut String) {
        let tpl = if self.chance(0.88) {
            pick_uniform(&mut self.rng, self.topic.titles)
        } else {
            pick_uniform(&mut self.rng, GENERIC_TITLES)
        };
        self.expand(tpl, out);
        capitalise_at(out, 0);
    }

    fn headline(&mut self, out: &mut String) {
        let tpl = if self.chance(0.7) {
            pick_uniform(&mut self.rng, self.topic.headlines)
        } else {
            pick_uniform(&mut self.rng, GENERIC_HEADLINES)
        };
        self.expand(tpl, out);
    }

    /// One to three sentences: an optional greeting and context, the
    /// question itself, and sometimes a follow-up. Returns the question
    /// sentence proper when it is short enough to double as a title.
    fn question<'q>(&mut self, out: &'q mut String) -> Option<&'q str> {
        let target = match self.rng.random_range(0..20) {
            0..5 => 1,
            5..14 => 2,
            _ => 3,
        };
        let main = if self.chance(0.78) {
            pick_uniform(&mut self.rng, self.topic.questions)
        } else {
            pick_uniform(&mut self.rng, GENERIC_QUESTIONS)
        };
        let mut left = target - sentence_count(main).min(target);
        if self.chance(0.2) {
            out.push_str(pick_uniform(&mut self.rng, GREETINGS));
        }
        if left > 0 && self.chance(0.8) {
            let ctx = if self.chance(0.3) {
                self.skewed(ASIDES, 2.0)
            } else {
                pick_uniform(&mut self.rng, CONTEXTS)
            };
            self.sentence(ctx, out);
            left -= 1;
        }
        let asked = self.sentence(main, out)..out.len();
        if left > 0 {
            let tpl = pick_uniform(&mut self.rng, FOLLOW_UPS);
            self.sentence(tpl, out);
        }
        // A two-sentence question leans on its first half, so only a
        // self-contained one can stand alone as a title.
        let asked = &out[asked];
        (sentence_count(main) == 1 && asked.ends_with('?') && (20..=100).contains(&asked.len()))
            .then_some(asked)
    }

    fn answer(&mut self, article: bool, out: &mut String) {
        let n: usize = if article {
            self.rng.random_range(4..9)
        } else {
            // Short answers dominate, as on real clinic blogs.
            match self.rng.random_range(0..100) {
                0..10 => 2,
                10..28 => 3,
                28..50 => 4,
                50..70 => 5,
                70..84 => 6,
                84..93 => 7,
                _ => 8,
            }
        };
        let roll = self.rng.random::<f64>();
        let (list_p, paras_p) = if article { (0.25, 0.5) } else { (0.14, 0.25) };
        if n >= 3 && roll < list_p {
            self.list_answer(article, n, out);
            return;
        }
        let two_paras = n >= 4 && roll < list_p + paras_p;

        let openers = if article { ARTICLE_OPENERS } else { OPENERS };
        let opener = self.chance(0.6);
        let closer = n >= 3 && self.chance(0.45);
        let split = two_paras.then(|| self.rng.random_range(2..n - 1));
        for i in 0..n {
            if split == Some(i) {
                out.push_str("\n\n");
            }
            let tpl = if opener && i == 0 {
                pick_uniform(&mut self.rng, openers)
            } else if closer && i == n - 1 {
                pick_uniform(&mut self.rng, CLOSERS)
            } else {
                self.pick(
                    (Pool::TopicAnswer, self.topic.answers),
                    (Pool::GenericAnswer, GENERIC_ANSWERS),
                    0.68,
                )
            };
            self.sentence(tpl, out);
        }
    }

    fn list_answer(&mut self, article: bool, n: usize, out: &mut String) {
        let closer = n >= 4 && self.chance(0.5);
        let steps = (n - 1 - usize::from(closer)).clamp(2, 5);
        if article && self.chance(0.6) {
            let tpl = pick_uniform(&mut self.rng, ARTICLE_OPENERS);
            self.sentence(tpl, out);
        }
        let intro = pick_uniform(&mut self.rng, LIST_INTROS);
        self.sentence(intro, out);
        out.push_str("\n\n");
        for k in 1..=steps {
            if k > 1 {
                out.push('\n');
            }
            let _ = write!(out, "{k}. ");
            let tpl = self.pick(
                (Pool::TopicStep, self.topic.steps),
                (Pool::GenericStep, GENERIC_STEPS),
                0.7,
            );
            let start = out.len();
            self.expand(tpl, out);
            capitalise_at(out, start);
        }
        if closer {
            out.push_str("\n\n");
            let tpl = pick_uniform(&mut self.rng, CLOSERS);
            self.sentence(tpl, out);
        }
    }

    fn tags(&mut self, tags: &mut Vec<&'static str>) {
        tags.clear();
        let want = match self.rng.random_range(0..100) {
            0..14 => 1,
            14..42 => 2,
            42..72 => 3,
            72..90 => 4,
            _ => 5,
        };
        if self.chance(0.75) {
            tags.push(self.topic.tags[0]);
        }
        let (topic, tables) = (self.topic, self.tables);
        // Bounded so a topic with few tags can't stall on duplicates.
        for _ in 0..20 {
            if tags.len() >= want {
                break;
            }
            let tag = if self.chance(0.55) {
                self.skewed(topic.tags, 1.3)
            } else {
                TAGS[self.sample_cum(&tables.tag_cum)]
            };
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }

    /// Spread over 2015–2025, part flat and part rising over time, the way
    /// a clinic blog's output grows once it is established.
    fn published_at(&mut self, out: &mut String) {
        const START: i64 = 1_420_070_400; // 2015-01-01T00:00:00Z
        const END: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
        let u = self.rng.random::<f64>();
        let u = if self.chance(0.4) { u } else { u.sqrt() };
        let t = (START + ((END - START) as f64 * u) as i64).min(END - 1);
        let at = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
        out.clear();
        let _ = write!(out, "{}", at.format("%Y-%m-%dT%H:%M:%SZ"));
    }
}

fn pick_uniform(rng: &mut StdRng, pool: &'static [&'static str]) -> &'static str {
    pool[rng.random_range(0..pool.len())]
}

fn capitalise_at(out: &mut String, start: usize) {
    if out
        .as_bytes()
        .get(start)
        .is_some_and(u8::is_ascii_lowercase)
    {
        out[start..start + 1].make_ascii_uppercase();
    }
}

/// Whether byte `i` ends a sentence: a terminator at the end or before
/// whitespace, so the point in "0.5 mm" doesn't count.
fn ends_sentence(b: &[u8], i: usize) -> bool {
    matches!(b[i], b'.' | b'?' | b'!') && b.get(i + 1).is_none_or(u8::is_ascii_whitespace)
}

/// Counts sentences so a two-sentence template uses up two of the
/// question's budget.
fn sentence_count(tpl: &str) -> usize {
    let b = tpl.as_bytes();
    (0..b.len()).filter(|&i| ends_sentence(b, i)).count().max(1)
}

/// Words that say nothing about a post, left out of slugs.
#[rustfmt::skip]
const SLUG_STOP_WORDS: &[&str] = &[
    "a", "about", "after", "am", "an", "and", "any", "are", "at", "be", "before", "can", "do",
    "does", "for", "from", "has", "have", "how", "i", "if", "in", "is", "it", "m", "me", "my", "of",
    "on", "or", "s", "should", "so", "still", "the", "there", "this", "to", "too", "what", "when",
    "which", "why", "will", "with", "you", "your",
];

/// `gen-{index}-{three title words}`: the index makes it unique, the words
/// make it look like a real slug.
fn build_slug(index: usize, title: &str, slug: &mut String) {
    slug.clear();
    let _ = write!(slug, "gen-{}", index + 1);
    let words = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !SLUG_STOP_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w)))
        .take(3);
    for word in words {
        if slug.len() + 1 + word.len() > 80 {
            break;
        }
        slug.push('-');
        slug.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn corpus(posts: usize, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        generate(posts, seed, &mut out).unwrap();
        out
    }

    fn parsed(bytes: &[u8]) -> Vec<serde_json::Value> {
        std::str::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn same_seed_gives_same_bytes() {
        assert_eq!(corpus(500, 7), corpus(500, 7));
    }

    #[test]
    fn different_seeds_differ() {
        assert_ne!(corpus(50, 1), corpus(50, 2));
    }

    #[test]
    fn zero_posts_writes_nothing() {
        assert!(corpus(0, 3).is_empty());
    }

    #[test]
    fn every_line_has_the_required_fields() {
        let bytes = corpus(2_000, 11);
        let posts = parsed(&bytes);
        assert_eq!(posts.len(), 2_000);
        for p in &posts {
            let kind = p["kind"].as_str().unwrap();
            let title = p["title"].as_str().unwrap();
            assert!(
                !title.starts_with(|c: char| c.is_ascii_lowercase()),
                "{title}"
            );
            assert!(kind == "question" || kind == "article");
            for field in ["slug", "title", "answer", "category", "answered_by"] {
                assert!(
                    !p[field].as_str().unwrap().trim().is_empty(),
                    "{field}: {p}"
                );
            }
            let tags = p["tags"].as_array().unwrap();
            assert!((1..=5).contains(&tags.len()), "{p}");
            assert!(tags.iter().all(|t| TAGS.contains(&t.as_str().unwrap())));
            assert!(CATEGORIES.contains(&p["category"].as_str().unwrap()));
            assert!(DOCTORS.contains(&p["answered_by"].as_str().unwrap()));
            assert!(p["asked_by"].is_null() || p["asked_by"].is_string());
            let at = p["published_at"].as_str().unwrap();
            assert_eq!(at.len(), 20, "{at}");
            assert!(at.ends_with('Z') && &at[10..11] == "T");
            let year: u32 = at[..4].parse().unwrap();
            assert!((2015..=2025).contains(&year), "{at}");
            let answer = p["answer"].as_str().unwrap();
            assert!(!answer.contains("{") && !answer.contains("  "), "{answer}");
            if kind == "question" {
                assert!(p["question"].as_str().unwrap().len() > 10);
            }
        }
    }

    /// Sentence ends, ignoring list numbers and decimals such as "0.5 mm".
    fn sentences(text: &str) -> usize {
        text.lines()
            .map(|l| l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.'))
            .map(|l| {
                let b = l.as_bytes();
                (0..b.len())
                    .filter(|&i| b"?.!:".contains(&b[i]) && (i + 1 == b.len() || b[i + 1] == b' '))
                    .count()
            })
            .sum()
    }

    #[test]
    fn questions_and_answers_have_the_intended_length() {
        let posts = parsed(&corpus(3_000, 19));
        for p in &posts {
            let answer = p["answer"].as_str().unwrap();
            assert!((2..=8).contains(&sentences(answer)), "{answer}");
            if let Some(q) = p.get("question").and_then(|q| q.as_str()) {
                let q = q.split_once(",\n\n").map_or(q, |(_, rest)| rest);
                assert!((1..=3).contains(&sentences(q)), "{q}");
            }
        }
    }

    #[test]
    fn slugs_are_unique_and_well_formed() {
        let posts = parsed(&corpus(5_000, 5));
        let mut seen = HashSet::new();
        for p in &posts {
            let slug = p["slug"].as_str().unwrap();
            assert!(slug.len() <= 80, "{slug}");
            assert!(slug.starts_with("gen-"));
            assert!(
                slug.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{slug}"
            );
            assert!(slug.split('-').count() >= 3, "{slug}");
            assert!(seen.insert(slug.to_owned()), "duplicate {slug}");
        }
    }

    #[test]
    fn tag_popularity_is_skewed() {
        let posts = parsed(&corpus(5_000, 9));
        let mut counts: HashMap<String, usize> = HashMap::new();
        for p in &posts {
            for t in p["tags"].as_array().unwrap() {
                *counts.entry(t.as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
        let share = |tag: &str| counts.get(tag).copied().unwrap_or(0) as f64 / posts.len() as f64;
        assert!(share("smp") > 0.30, "smp on {:.2}", share("smp"));
        assert!(
            share("hair loss") > 0.10,
            "hair loss on {:.2}",
            share("hair loss")
        );
        let rare = TAGS.iter().filter(|t| share(t) < 0.05).count();
        assert!(
            rare * 2 > TAGS.len(),
            "only {rare} of {} tags are rare",
            TAGS.len()
        );
    }

    #[test]
    fn articles_have_no_question_and_questions_do() {
        let posts = parsed(&corpus(3_000, 13));
        let articles = posts.iter().filter(|p| p["kind"] == "article").count();
        assert!((150..=450).contains(&articles), "{articles} articles");
        for p in &posts {
            let question = p.get("question").and_then(|q| q.as_str()).unwrap_or("");
            if p["kind"] == "article" {
                assert!(question.is_empty(), "{p}");
                assert!(p["asked_by"].is_null());
            } else {
                assert!(question.ends_with(['?', '.']), "{question}");
            }
        }
    }

    #[test]
    fn no_two_posts_are_identical() {
        let posts = parsed(&corpus(3_000, 17));
        let mut seen = HashSet::new();
        for p in &posts {
            let key = (
                p["title"].to_string(),
                p.get("question").map(|q| q.to_string()),
                p["answer"].to_string(),
            );
            assert!(seen.insert(key), "repeated content: {p}");
        }
    }

    #[test]
    fn answers_vary_in_shape() {
        let posts = parsed(&corpus(2_000, 21));
        let answers: Vec<&str> = posts
            .iter()
            .map(|p| p["answer"].as_str().unwrap())
            .collect();
        assert!(
            answers
                .iter()
                .any(|a| a.contains("\n\n") && !a.contains("\n1. "))
        );
        assert!(
            answers
                .iter()
                .any(|a| a.contains("\n1. ") && a.contains("\n2. "))
        );
        assert!(answers.iter().any(|a| !a.contains('\n')));
    }

    #[test]
    fn templates_use_only_known_slots() {
        let mut all: Vec<&str> = Vec::new();
        for t in TOPICS {
            for pool in [t.titles, t.questions, t.answers, t.steps, t.headlines] {
                all.extend_from_slice(pool);
            }
            for tag in t.tags {
                assert!(TAGS.contains(tag), "topic tag {tag:?} is not in the pool");
            }
            assert!(CATEGORIES.contains(&t.category));
            assert!(t.doctor < DOCTORS.len());
        }
        for pool in [
            GENERIC_TITLES,
            GENERIC_QUESTIONS,
            CONTEXTS,
            ASIDES,
            FOLLOW_UPS,
            OPENERS,
            ARTICLE_OPENERS,
            GENERIC_ANSWERS,
            CLOSERS,
            LIST_INTROS,
            GENERIC_STEPS,
            GENERIC_HEADLINES,
        ] {
            all.extend_from_slice(pool);
        }
        for tpl in all {
            let mut rest = tpl;
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').expect(tpl) + open;
                assert!(Slot::parse(&rest[open + 1..close]).is_some(), "{tpl}");
                rest = &rest[close + 1..];
            }
        }
        let unique: HashSet<&str> = TAGS.iter().copied().collect();
        assert_eq!(unique.len(), TAGS.len());
    }

    #[test]
    fn sentence_count_skips_decimal_points() {
        assert_eq!(sentence_count("One 0.5 mm. Two? Three!"), 3);
        assert_eq!(sentence_count("Is a 0.5 mm guard ok?"), 1);
    }

    #[test]
    fn publication_dates_are_rfc_3339_within_the_range() {
        for post in parsed(&corpus(500, 3)) {
            let at = post["published_at"].as_str().unwrap();
            let parsed = chrono::DateTime::parse_from_rfc3339(at).expect(at);
            assert!(
                (2015..=2025).contains(&chrono::Datelike::year(&parsed)),
                "{at}"
            );
        }
    }
}
