//! Per-client quotas on the public operations that cost the most: asking
//! (a database write and a search) and searching. Staff are not limited;
//! anonymous callers are told when to come back.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::Error;

/// Which quota an operation draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Ask,
    Search,
}

/// The client a request came from, as the server resolved it (see
/// `server::client_ip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Forget clients idle long enough to have their whole quota back, every
/// so many checks, so that memory follows active clients only.
const SWEEP_EVERY: u64 = 4_096;

pub struct RateLimits {
    asks: Option<DefaultKeyedRateLimiter<IpAddr>>,
    searches: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

impl RateLimits {
    /// Quotas per client per minute, each usable at once; 0 is unlimited.
    pub fn new(asks_per_minute: u32, searches_per_minute: u32) -> Self {
        let limiter = |per_minute: u32| {
            NonZeroU32::new(per_minute)
                .map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)))
        };
        RateLimits {
            asks: limiter(asks_per_minute),
            searches: limiter(searches_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one unit of `bucket`'s quota for `client`, or says how long to
    /// wait (whole seconds, at least 1).
    pub fn check(&self, bucket: Bucket, client: IpAddr) -> Result<(), Error> {
        self.check_n(bucket, client, 1)
    }

    /// Takes `units` of `bucket`'s quota for `client` at once, or none.
    pub fn check_n(&self, bucket: Bucket, client: IpAddr, units: u32) -> Result<(), Error> {
        let Some(units) = NonZeroU32::new(units) else {
            return Ok(());
        };
        let limiter = match bucket {
            Bucket::Ask => &self.asks,
            Bucket::Search => &self.searches,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
        }
        let refused = |wait: std::time::Duration| Error::RateLimited {
            retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        };
        match limiter.check_key_n(&quota_key(client), units) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(refused(
                not_until.wait_time_from(DefaultClock::default().now()),
            )),
            // More units than the whole quota: never allowed at once.
            Err(_) => Err(refused(std::time::Duration::from_secs(60))),
        }
    }
}

/// Whose quota a request draws on. An IPv6 client is usually given a
/// whole /64 and can pick any address in it, so the /64 is the client.
fn quota_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V4(_) => client,
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(network.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn a_burst_past_the_quota_is_refused_with_a_wait() {
        let limits = RateLimits::new(10, 0);
        for _ in 0..10 {
            limits.check(Bucket::Ask, ip(1)).expect("within quota");
        }
        match limits.check(Bucket::Ask, ip(1)) {
            Err(Error::RateLimited { retry_after_secs }) => {
                assert!((1..=6).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Quotas are per client and per bucket.
        limits.check(Bucket::Ask, ip(2)).expect("another client");
        limits
            .check(Bucket::Search, ip(1))
            .expect("searches unlimited");
    }

    #[test]
    fn several_units_are_taken_together_or_not_at_all() {
        let limits = RateLimits::new(0, 5);
        limits.check_n(Bucket::Search, ip(1), 3).expect("3 of 5");
        assert!(limits.check_n(Bucket::Search, ip(1), 3).is_err());
        limits
            .check_n(Bucket::Search, ip(1), 2)
            .expect("the 2 left");
        assert!(limits.check(Bucket::Search, ip(1)).is_err());
        assert!(
            limits.check_n(Bucket::Search, ip(2), 6).is_err(),
            "over the quota"
        );
        limits
            .check_n(Bucket::Search, ip(2), 0)
            .expect("nothing to take");
    }

    #[test]
    fn an_ipv6_client_is_its_64_bit_network() {
        let limits = RateLimits::new(2, 0);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        limits.check(Bucket::Ask, ip("2001:db8:1:2::1")).unwrap();
        limits
            .check(Bucket::Ask, ip("2001:db8:1:2:ffff::9"))
            .unwrap();
        assert!(
            limits
                .check(Bucket::Ask, ip("2001:db8:1:2:abcd::7"))
                .is_err(),
            "the same /64"
        );
        limits
            .check(Bucket::Ask, ip("2001:db8:1:3::1"))
            .expect("the next /64 is another client");
    }

    #[test]
    fn zero_means_unlimited() {
        let limits = RateLimits::new(0, 0);
        for _ in 0..1_000 {
            limits.check(Bucket::Ask, ip(1)).unwrap();
        }
    }
}
