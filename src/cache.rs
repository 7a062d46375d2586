//! Bounded caches of what was computed from one state of the search index
//! and the synonym groups (a [`Generation`]): result pages, the posts they
//! showed, word expansions, whole responses.
//!
//! Every key carries the generation its entry was computed from, so an
//! entry can never be served after a write the index has applied; the
//! whole cache is dropped when the generation moves, which bounds memory
//! to the current one. Entries are weighed by what they hold, and the
//! budget bounds the sum.

use std::hash::Hash;
use std::sync::Mutex;

use quick_cache::Weighter;
use quick_cache::sync::Cache;

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
    /// How many batches of posts' vectors have been loaded (0 without a
    /// model): a search by meaning changes as vectors land.
    pub vectors: u64,
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

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Key(Generation, &'static str);

    impl Keyed for Key {
        fn generation(&self) -> Generation {
            self.0
        }

        fn weight(&self) -> u64 {
            16
        }
    }

    fn key(index: u64, synonyms: u64, text: &'static str) -> Key {
        Key(
            Generation {
                index,
                synonyms,
                vectors: 0,
            },
            text,
        )
    }

    #[test]
    fn an_entry_is_served_until_the_generation_moves() {
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
    fn entries_of_an_older_generation_are_not_kept() {
        let cache = ResultCache::new(1 << 20, 1_024);
        assert_eq!(cache.get(&key(5, 0, "cost")), None);
        cache.insert(key(4, 0, "cost"), Value(10));
        assert_eq!(cache.get(&key(4, 0, "cost")), None);
        assert_eq!(cache.get(&key(5, 0, "cost")), None);
    }

    #[test]
    fn the_budget_bounds_what_is_kept_and_zero_turns_it_off() {
        let cache = ResultCache::new(10_000, 1_000);
        let texts: Vec<&'static str> = (0..100)
            .map(|i| &*Box::leak(format!("query {i}").into_boxed_str()))
            .collect();
        for text in texts {
            cache.insert(key(1, 0, text), Value(1_000));
        }
        assert!(cache.entries.as_ref().unwrap().weight() <= 10_000);
        let off: ResultCache<Key, Value> = ResultCache::new(0, 1_000);
        off.insert(key(1, 0, "cost"), Value(1));
        assert_eq!(off.get(&key(1, 0, "cost")), None);
    }

    #[test]
    fn a_string_weighs_its_allocation_too() {
        assert!(string_bytes("") >= std::mem::size_of::<String>() as u64);
        assert_eq!(string_bytes("abc") - string_bytes(""), 3);
    }
}
