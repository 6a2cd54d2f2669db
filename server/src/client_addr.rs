//! The caller's address: the socket peer, or — only when the peer is one of our own reverse
//! proxies (`TRUSTED_PROXIES`) — the address the proxies recorded in `X-Forwarded-For`.
//!
//! `X-Forwarded-For` is read from the right: each trusted proxy appends the address it received
//! the request from, so the first address from the right that is not a trusted proxy is the
//! client. Whatever a client writes into the header itself lies further left and is never
//! believed. Without trusted proxies (the default) the header is ignored.

use std::net::IpAddr;

/// An address block, `203.0.113.0/24`, `2001:db8::/32` or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| format!("not an IP address: {s}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("bad prefix length: {s}"))?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 peer seen through an IPv6 socket (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',').filter(|s| !s.trim().is_empty()).map(Cidr::parse).collect::<Result<Vec<_>, _>>().map(Self)
    }

    pub fn none() -> TrustedProxies {
        TrustedProxies(Vec::new())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
}

/// The client's address for a request from `peer` carrying these `X-Forwarded-For` values.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim).collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !trusted.contains(client) {
                    return client;
                }
            }
            // Garbage (or a port) in a hop we would have to believe: stop at the last good one.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::none();
        assert_eq!(client_ip(ip("198.51.100.7"), &["203.0.113.9"], &none), ip("198.51.100.7"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(client_ip(ip("198.51.100.7"), &["203.0.113.9"], &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.1, 10.0.1.0/24").unwrap();
        // The client wrote "1.2.3.4" itself; the edge proxy appended the real peer 203.0.113.9,
        // the inner proxy appended the edge proxy.
        let xff = ["1.2.3.4, 203.0.113.9", "10.0.1.5"];
        assert_eq!(client_ip(ip("10.0.0.1"), &xff, &trusted), ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_without_the_header_is_the_client() {
        let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
        assert_eq!(client_ip(ip("127.0.0.1"), &[], &trusted), ip("127.0.0.1"));
    }

    #[test]
    fn garbage_in_the_header_stops_at_the_last_believed_hop() {
        let trusted = TrustedProxies::parse("10.0.0.1").unwrap();
        assert_eq!(client_ip(ip("10.0.0.1"), &["203.0.113.9, unknown"], &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn blocks_match_by_prefix_for_both_families() {
        let c = Cidr::parse("192.168.4.0/22").unwrap();
        assert!(c.contains(ip("192.168.7.255")));
        assert!(!c.contains(ip("192.168.8.0")));
        assert!(c.contains(ip("::ffff:192.168.5.1")), "IPv4-mapped peers match IPv4 blocks");
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::none());
    }
}
