//! Which address a request comes from, for per-client rate limits.
//!
//! X-Forwarded-For is a header anyone can write, so it is believed only
//! when the connection comes from a configured proxy, and then read from
//! the right: each trusted proxy appended the address it saw, and the
//! first address from the right that is not a trusted proxy is the client.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(ranges: Vec<IpNet>) -> Self {
        TrustedProxies(ranges)
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, the address the connection came from.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                // A garbled entry: what lies left of it cannot be trusted.
                break;
            };
            client = canonical(ip);
            if !self.contains(client) {
                break;
            }
        }
        client
    }
}

/// IPv4 clients of a dual-stack socket arrive as `::ffff:a.b.c.d`; one
/// client must have one key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|s| s.parse().unwrap()).collect())
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let none = proxies(&[]);
        assert_eq!(
            none.client(ip("198.51.100.7"), &headers(&["203.0.113.9"])),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() {
        let lb = proxies(&["10.0.0.0/8", "192.0.2.1/32"]);
        // A client forging a left-most entry does not get to choose its key.
        let h = headers(&["1.2.3.4, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(lb.client(ip("192.0.2.1"), &h), ip("203.0.113.9"));
        // Nothing forwarded: the proxy itself.
        assert_eq!(lb.client(ip("10.0.0.5"), &HeaderMap::new()), ip("10.0.0.5"));
        // Garbage stops the walk at the last good hop.
        let h = headers(&["203.0.113.9, not-an-ip, 10.2.2.2"]);
        assert_eq!(lb.client(ip("10.0.0.5"), &h), ip("10.2.2.2"));
    }

    #[test]
    fn mapped_ipv4_addresses_are_one_client() {
        let lb = proxies(&["127.0.0.1/32"]);
        assert_eq!(
            lb.client(ip("::ffff:127.0.0.1"), &headers(&["203.0.113.9"])),
            ip("203.0.113.9")
        );
    }
}
