//! Results of recent searches, and the posts they showed, reused while the
//! index and the synonym groups stay as they are.
//!
//! Visitors repeat each other: the same few questions, and the same
//! keystrokes of search-as-you-type. A repeat costs a hash lookup instead
//! of a retrieval, a re-ranking and a database read. Every key carries the
//! index's searcher generation and the synonyms' version, so an entry can
//! never be served after a write the index has applied; the whole cache is
//! dropped when either moves, which bounds memory to the current
//! generation.

use std::hash::Hash;
use std::sync::Mutex;

use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::query::Filters;
use super::searching::SearchParams;

/// Something the cache can hold, with its approximate size in bytes.
pub trait Weigh {
    fn weight(&self) -> u64;
}

/// What a string occupies: its heap allocation and its own three words.
/// Weights count allocations, not just the bytes of text: a key holding
/// twenty short tags weighs mostly what holds them.
pub fn string_bytes(s: &str) -> u64 {
    (s.len() + std::mem::size_of::<String>() + ALLOCATION_OVERHEAD) as u64
}

/// What the allocator spends on an allocation beyond what was asked for,
/// roughly (mimalloc rounds up to its size classes).
pub const ALLOCATION_OVERHEAD: usize = 16;

/// A cache key: what the entry was computed from, the generation included.
pub trait Keyed: Hash + Eq + Clone {
    fn generation(&self) -> Generation;
    fn weight(&self) -> u64;
}

/// The state of the index and the synonyms a result was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Generation {
    /// The searcher's generation: it grows with every reload of the index,
    /// whatever the outbox sequence does (a rebuild may lower that).
    pub index: u64,
    pub synonyms: u64,
}

/// Everything a search's outcome depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    generation: Generation,
    text: String,
    tags: Vec<String>,
    category: Option<String>,
    kind: Option<String>,
    offset: usize,
    limit: usize,
    with_facets: bool,
}

impl CacheKey {
    pub fn new(generation: Generation, params: &SearchParams) -> Self {
        let Filters {
            tags,
            category,
            kind,
        } = &params.filters;
        CacheKey {
            generation,
            text: params.text.clone(),
            tags: tags.clone(),
            category: category.clone(),
            kind: kind.clone(),
            offset: params.offset,
            limit: params.limit,
            with_facets: params.with_facets,
        }
    }
}

impl Keyed for CacheKey {
    fn generation(&self) -> Generation {
        self.generation
    }

    fn weight(&self) -> u64 {
        let labels = self.tags.iter().chain(&self.category).chain(&self.kind);
        std::mem::size_of::<Self>() as u64
            + string_bytes(&self.text)
            + labels.map(|l| string_bytes(l)).sum::<u64>()
            + ALLOCATION_OVERHEAD as u64
    }
}

/// A post as the index's generation saw it: search pages show posts as of
/// the index they were found in, whether read now or from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostKey {
    pub generation: Generation,
    pub id: i64,
}

impl Keyed for PostKey {
    fn generation(&self) -> Generation {
        self.generation
    }

    fn weight(&self) -> u64 {
        std::mem::size_of::<Self>() as u64
    }
}

#[derive(Clone)]
struct ByWeight;

impl<K: Keyed, V: Weigh> Weighter<K, V> for ByWeight {
    fn weight(&self, key: &K, value: &V) -> u64 {
        key.weight() + value.weight()
    }
}

/// A bounded cache of what searches computed, for one generation at a
/// time; a budget of 0 bytes turns it off.
pub struct ResultCache<K, V> {
    entries: Option<Cache<K, V, ByWeight>>,
    current: Mutex<Option<Generation>>,
}

impl<K: Keyed, V: Weigh + Clone> ResultCache<K, V> {
    /// `typical_entry_bytes` sizes the table; the budget alone bounds it.
    pub fn new(budget_bytes: u64, typical_entry_bytes: u64) -> Self {
        let estimated = (budget_bytes / typical_entry_bytes.max(1)).max(16) as usize;
        ResultCache {
            entries: (budget_bytes > 0)
                .then(|| Cache::with_weighter(estimated, budget_bytes, ByWeight)),
            current: Mutex::new(None),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.as_ref()?;
        self.enter(key.generation());
        entries.get(key)
    }

    pub fn insert(&self, key: K, value: V) {
        let Some(entries) = &self.entries else {
            return;
        };
        if self.enter(key.generation()) {
            entries.insert(key, value);
        }
    }

    /// Moves the cache to `generation` if it is newer, dropping what older
    /// generations left. Returns whether `generation` is the current one
    /// (a result computed before a newer generation arrived is not kept).
    fn enter(&self, generation: Generation) -> bool {
        let Ok(mut current) = self.current.lock() else {
            return false;
        };
        match *current {
            Some(now) if now == generation => true,
            Some(now) if now.index > generation.index => false,
            _ => {
                *current = Some(generation);
                if let Some(entries) = &self.entries {
                    entries.clear();
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Value(u64);

    impl Weigh for Value {
        fn weight(&self) -> u64 {
            self.0
        }
    }

    fn key(index: u64, synonyms: u64, text: &str) -> CacheKey {
        CacheKey::new(Generation { index, synonyms }, &SearchParams::new(text, 10))
    }

    #[test]
    fn a_result_is_served_until_the_generation_moves() {
        let cache = ResultCache::new(1 << 20, 1_024);
        cache.insert(key(1, 0, "fade"), Value(10));
        assert_eq!(cache.get(&key(1, 0, "fade")), Some(Value(10)));
        assert_eq!(cache.get(&key(1, 0, "fades")), None);
        assert_eq!(cache.get(&key(2, 0, "fade")), None);
        // The older generation's entries are gone, not merely unreachable.
        assert_eq!(cache.entries.as_ref().unwrap().len(), 0);
        cache.insert(key(2, 0, "fade"), Value(10));
        assert_eq!(cache.get(&key(2, 1, "fade")), None, "synonyms changed");
    }

    #[test]
    fn results_of_an_older_generation_are_not_kept() {
        let cache = ResultCache::new(1 << 20, 1_024);
        assert_eq!(cache.get(&key(5, 0, "cost")), None);
        cache.insert(key(4, 0, "cost"), Value(10));
        assert_eq!(cache.get(&key(4, 0, "cost")), None);
        assert_eq!(cache.get(&key(5, 0, "cost")), None);
    }

    #[test]
    fn posts_are_kept_for_one_generation_too() {
        let cache = ResultCache::new(1 << 20, 1_024);
        let post = |index, id| PostKey {
            generation: Generation { index, synonyms: 0 },
            id,
        };
        cache.insert(post(1, 7), Value(100));
        assert_eq!(cache.get(&post(1, 7)), Some(Value(100)));
        assert_eq!(cache.get(&post(1, 8)), None);
        assert_eq!(cache.get(&post(2, 7)), None, "the index moved on");
    }

    #[test]
    fn a_key_weighs_what_holds_its_filters_not_only_their_text() {
        let mut params = SearchParams::new("fade", 10);
        params.filters.tags = (0..20).map(|i| format!("t{i}")).collect();
        let key = CacheKey::new(
            Generation {
                index: 1,
                synonyms: 0,
            },
            &params,
        );
        let text_only: usize = params.filters.tags.iter().map(String::len).sum();
        assert!(key.weight() as usize >= 20 * std::mem::size_of::<String>() + text_only);
    }

    #[test]
    fn the_budget_bounds_what_is_kept_and_zero_turns_it_off() {
        let cache = ResultCache::new(10_000, 1_000);
        for i in 0..100 {
            cache.insert(key(1, 0, &format!("query {i}")), Value(1_000));
        }
        assert!(cache.entries.as_ref().unwrap().weight() <= 10_000);
        let off: ResultCache<CacheKey, Value> = ResultCache::new(0, 1_000);
        off.insert(key(1, 0, "cost"), Value(1));
        assert_eq!(off.get(&key(1, 0, "cost")), None);
    }
}
