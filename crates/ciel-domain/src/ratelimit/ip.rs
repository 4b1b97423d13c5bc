//! The address an IP limit is keyed on: IPv4 as is, IPv6 by network prefix (one subscriber
//! usually holds a whole /64, so limiting per /128 would give them 2^64 budgets).
//!
//! # Example
//!
//! ```
//! use ciel_domain::ratelimit::ip::{DEFAULT_IPV6_PREFIX, ip_bucket};
//! use std::net::IpAddr;
//!
//! let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
//! let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
//! // One /64, one budget.
//! assert_eq!(ip_bucket(a, DEFAULT_IPV6_PREFIX), ip_bucket(b, DEFAULT_IPV6_PREFIX));
//! assert_eq!(ip_bucket(a, 64), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
//! // IPv4, also mapped into IPv6, is its own bucket.
//! let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
//! assert_eq!(ip_bucket(mapped, 64), "203.0.113.7".parse::<IpAddr>().unwrap());
//! ```

use std::net::{IpAddr, Ipv6Addr};

/// The default IPv6 prefix length IP limits are keyed on.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The bucket address of `ip`: an IPv4 address (also one mapped into IPv6, `::ffff:a.b.c.d`)
/// is its own bucket; an IPv6 address is masked to its first `v6_prefix` bits (clamped to
/// 1..=128).
pub fn ip_bucket(ip: IpAddr, v6_prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u32::from(v6_prefix.clamp(1, 128));
                let mask = u128::MAX << (128 - prefix);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ipv6_is_bucketed_by_prefix_and_ipv4_is_not() {
        assert_eq!(ip_bucket(ip("203.0.113.9"), 64), ip("203.0.113.9"));
        assert_eq!(
            ip_bucket(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), 64),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            ip_bucket(ip("2001:db8:1:2::1"), 64),
            ip_bucket(ip("2001:db8:1:2:ffff::9"), 64)
        );
        assert_ne!(
            ip_bucket(ip("2001:db8:1:2::1"), 64),
            ip_bucket(ip("2001:db8:1:3::1"), 64)
        );
        assert_eq!(ip_bucket(ip("2001:db8:1:2::1"), 48), ip("2001:db8:1::"));
        assert_eq!(ip_bucket(ip("2001:db8::1"), 128), ip("2001:db8::1"));
        assert_eq!(ip_bucket(ip("::ffff:192.0.2.1"), 64), ip("192.0.2.1"));
        assert_eq!(ip_bucket(ip("2001:db8::1"), 0), ip("::"));
    }
}
