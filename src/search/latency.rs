//! How long searches take, by what asked (`search`, `answer`, …) and
//! whether a kept page answered, as a histogram `/metrics` exports.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SearchLabels {
    /// What the search served: `search`, `answer`, `similar`, … (a fixed set).
    pub source: &'static str,
    /// "true" when a kept page of results answered it.
    pub cached: &'static str,
}

/// Search latency by [`SearchLabels`]; cheap to clone (shared inside).
pub type SearchLatency = Family<SearchLabels, Histogram, fn() -> Histogram>;

/// From 50 µs to about 1.6 s, doubling: a cached page takes tens of
/// microseconds, an expanded query on a large index tens of milliseconds.
fn buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

pub fn new() -> SearchLatency {
    Family::new_with_constructor(buckets)
}
