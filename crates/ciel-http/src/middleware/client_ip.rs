//! Client IP and forwarded scheme resolution behind trusted proxies (contract §1.1).

use ipnet::IpNet;
use std::net::IpAddr;

/// The resolved client address, stored in request extensions; it keys the IP rate limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// Whether the TCP peer is one of the trusted proxies.
pub fn peer_is_trusted(peer: IpAddr, trusted: &[IpNet]) -> bool {
    is_trusted(peer, trusted)
}

/// Resolves the client IP: behind a trusted peer, walk `X-Forwarded-For` from the right and
/// take the first hop that is not a trusted proxy (all trusted → the leftmost); otherwise the
/// socket address. `forwarded_for` holds every `X-Forwarded-For` header line in order: some
/// proxies add a line instead of appending, so the hops are those of all lines joined. A hop
/// that is no address (`unknown`, `unix:`, garbage) ends the walk at the peer: the hops left
/// of it are whatever the client sent, and skipping to them would let it pick its own key.
pub fn resolve_client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let hops: Vec<Option<IpAddr>> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(|hop| parse_hop(hop.trim()))
        .collect();
    for hop in hops.iter().rev() {
        match hop {
            None => return peer,
            Some(ip) if !is_trusted(*ip, trusted) => return *ip,
            Some(_) => {}
        }
    }
    hops.first().copied().flatten().unwrap_or(peer)
}

/// Parses one `X-Forwarded-For` hop: a bare address, `[v6]`, `[v6]:port` or `v4:port`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

/// The scheme a trusted proxy reports: the first token of `X-Forwarded-Proto`, `http` when
/// absent.
pub fn forwarded_scheme(forwarded_proto: Option<&str>) -> String {
    forwarded_proto
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "http".to_owned())
}

/// Whether a `Host` header (the connection's own, never a forwarded one) names this machine (`localhost`, `127.0.0.1`, `0.0.0.0`, `[::1]`),
/// with or without a port.
pub fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']')
            .next()
            .map(|h| format!("[{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_owned()
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(raw: &[&str]) -> Vec<IpNet> {
        raw.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn untrusted_peer_is_the_client() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            resolve_client_ip(peer, Some("1.2.3.4"), &nets(&["10.0.0.0/8"])),
            peer
        );
    }

    #[test]
    fn every_header_line_counts() {
        let trusted = nets(&["10.0.0.0/8"]);
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        // The client's own line first, the proxy's added line last: the proxy's hop wins.
        let got = resolve_client_ip(peer, ["6.6.6.6", "7.7.7.7, 10.0.0.9"], &trusted);
        assert_eq!(got, "7.7.7.7".parse::<IpAddr>().unwrap());
        let got = resolve_client_ip(peer, ["6.6.6.6, 1.1.1.1", "8.8.8.8"], &trusted);
        assert_eq!(got, "8.8.8.8".parse::<IpAddr>().unwrap());
        // A hop that is no address ends the walk at the peer, never at the client's entries.
        let got = resolve_client_ip(peer, ["10.0.0.3", "garbage, 10.0.0.4"], &trusted);
        assert_eq!(got, peer);
        let got = resolve_client_ip(peer, ["6.6.6.6, unknown"], &trusted);
        assert_eq!(got, peer);
        let got = resolve_client_ip(peer, ["garbage, 6.6.6.6, 10.0.0.4"], &trusted);
        assert_eq!(got, "6.6.6.6".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn walks_forwarded_for_from_the_right() {
        let trusted = nets(&["10.0.0.0/8"]);
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let got = resolve_client_ip(peer, Some("1.1.1.1, 2.2.2.2, 10.0.0.7"), &trusted);
        assert_eq!(got, "2.2.2.2".parse::<IpAddr>().unwrap());
        let all_trusted = resolve_client_ip(peer, Some("10.1.1.1, 10.0.0.7"), &trusted);
        assert_eq!(all_trusted, "10.1.1.1".parse::<IpAddr>().unwrap());
        assert_eq!(resolve_client_ip(peer, None, &trusted), peer);
        assert_eq!(resolve_client_ip(peer, [], &trusted), peer);
        let with_port = resolve_client_ip(peer, Some("[2001:db8::1]:443, 5.6.7.8:80"), &trusted);
        assert_eq!(with_port, "5.6.7.8".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn scheme_and_local_hosts() {
        assert_eq!(forwarded_scheme(None), "http");
        assert_eq!(forwarded_scheme(Some("HTTPS, http")), "https");
        assert!(is_local_host("localhost:8080"));
        assert!(is_local_host("127.0.0.1"));
        assert!(is_local_host("[::1]:80"));
        assert!(!is_local_host("api.example.com"));
        assert!(!is_local_host("localhost.example.com"));
    }
}
