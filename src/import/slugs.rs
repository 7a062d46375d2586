//! Settling every post's slug across a file, in file order, without
//! holding the file: slugs are remembered as 128-bit hashes, 16 bytes a
//! post, so a million-post file needs a few ten megabytes here.
//!
//! A post's slug is the explicit one, or one derived from its title with
//! `-2`, `-3`... for repeats within the file. Being a function of the file
//! alone, re-importing the file yields the same slugs, which is what makes
//! re-imports update rather than duplicate.
//!
//! Titles once came from a post's opening sentence and now come from the
//! sentence that asks, so a file imported back then derives other slugs
//! today. Each post therefore also carries the slug the old titles gave
//! (settled the same way), which the store matches when the new one is
//! unknown: the post is updated under the slug it has always had.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Draft, ImportError};
use crate::domain::{Slug, Title};

/// A slug's identity here. Two SipHash digests with fixed keys: the same
/// across runs (so a file always settles the same way), and 128 bits make
/// a collision among a million slugs a one-in-10^26 event rather than the
/// one-in-10^8 of 64 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key(u128);

impl Key {
    fn of(slug: &str) -> Key {
        let half = |salt: u8| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            slug.hash(&mut h);
            h.finish()
        };
        Key(((half(0) as u128) << 64) | half(1) as u128)
    }
}

/// What a first pass over the file learns before any slug is settled:
/// explicit slugs are reserved ahead of every derived one, wherever in the
/// file they appear.
#[derive(Default)]
pub(super) struct Survey {
    explicit: HashSet<Key>,
    pub posts: usize,
    /// Whether any post has a former title, i.e. whether former slugs
    /// need settling at all.
    any_former: bool,
}

impl Survey {
    /// Notes one draft; refuses an explicit slug the file gave before.
    pub fn note(&mut self, d: &Draft) -> Result<(), ImportError> {
        self.posts += 1;
        self.any_former |= d.former_title.is_some();
        if let Some(slug) = &d.slug
            && !self.explicit.insert(Key::of(slug.as_str()))
        {
            return Err(ImportError::at(
                d.line,
                format!("slug {:?} appears twice in this file", slug.as_str()),
            ));
        }
        Ok(())
    }

    /// Whether settling former slugs needs the file's final slugs first
    /// (see [`Settler::with_file_slugs`]).
    pub fn needs_file_slugs(&self) -> bool {
        self.any_former
    }
}

/// Derives slugs in file order, stepping around every slug already taken.
struct Derivation {
    used: HashSet<Key>,
    /// Per derived base that repeated, the suffix to try next. Starting
    /// over at `-2` for every repeat made n posts sharing a title cost n²
    /// lookups; every suffix below the one kept here is taken, so resuming
    /// finds the same slug in linear time. Bases seen once (most) are not
    /// kept.
    next_suffix: HashMap<Key, u32>,
}

impl Derivation {
    fn new(explicit: HashSet<Key>) -> Self {
        Derivation {
            used: explicit,
            next_suffix: HashMap::new(),
        }
    }

    fn slug(&mut self, d: &Draft, title: &Title) -> Slug {
        if let Some(slug) = &d.slug {
            return slug.clone();
        }
        let base = Slug::derive(title.as_str(), d.kind.as_str());
        let base_key = Key::of(base.as_str());
        let mut slug = base.clone();
        let mut key = base_key;
        if self.used.contains(&key) {
            let n = self.next_suffix.entry(base_key).or_insert(2);
            while self.used.contains(&key) {
                slug = base.with_suffix(*n);
                key = Key::of(slug.as_str());
                *n += 1;
            }
        }
        self.used.insert(key);
        slug
    }
}

/// Gives each draft, in file order, its slug and former slug.
pub(super) struct Settler {
    titles: Derivation,
    former: Option<Derivation>,
    /// Every slug the file settles on; a former slug one of them takes
    /// stays that post's.
    file_slugs: HashSet<Key>,
}

impl Settler {
    /// A settler for a file whose survey says no former slugs arise.
    pub fn new(survey: Survey) -> Self {
        debug_assert!(!survey.any_former);
        Settler {
            titles: Derivation::new(survey.explicit),
            former: None,
            file_slugs: HashSet::new(),
        }
    }

    /// A settler for a file with former titles: `drafts` is a pass over
    /// the whole file, which settles today's slugs once to learn them all.
    pub fn with_file_slugs(
        survey: Survey,
        drafts: impl Iterator<Item = Result<Draft, ImportError>>,
    ) -> Result<Self, ImportError> {
        let mut all = Derivation::new(survey.explicit.clone());
        for d in drafts {
            let d = d?;
            all.slug(&d, &d.title);
        }
        Ok(Settler {
            titles: Derivation::new(survey.explicit.clone()),
            former: Some(Derivation::new(survey.explicit)),
            file_slugs: all.used,
        })
    }

    pub fn settle(&mut self, d: Draft) -> crate::store::ImportPost {
        let slug = self.titles.slug(&d, &d.title);
        let former = self.former.as_mut().and_then(|f| {
            let former = f.slug(&d, d.former_title.as_ref().unwrap_or(&d.title));
            (former != slug && !self.file_slugs.contains(&Key::of(former.as_str())))
                .then_some(former)
        });
        crate::store::ImportPost {
            former_slug: former,
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
            media: d.media,
            links: d.links,
        }
    }
}
