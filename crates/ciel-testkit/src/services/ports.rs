//! Free loopback ports and raw TCP probes (connect, Redis PING, HTTP GET).

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// Ports the RabbitMQ 3.10 CLI tools (rabbitmqctl) bind for their own Erlang distribution.
const RABBITMQ_CTL_DIST_PORTS: std::ops::RangeInclusive<u16> = 35672..=35682;

/// Hands out free 127.0.0.1 ports, never the same one twice.
#[derive(Default)]
pub(crate) struct PortPool {
    taken: HashSet<u16>,
}

impl PortPool {
    /// A port that was free a moment ago (the kernel picked it for a bind to 127.0.0.1:0).
    pub(crate) fn take(&mut self) -> Result<u16> {
        for _ in 0..100 {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .context("cannot bind a TCP socket on 127.0.0.1 to find a free port")?;
            let port = listener.local_addr()?.port();
            if !RABBITMQ_CTL_DIST_PORTS.contains(&port) && self.taken.insert(port) {
                return Ok(port);
            }
        }
        bail!("could not find a free loopback port after 100 tries")
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn connect(port: u16, timeout: Duration) -> Option<TcpStream> {
    let stream = TcpStream::connect_timeout(&loopback(port), timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    Some(stream)
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
pub(crate) fn port_open(port: u16) -> bool {
    connect(port, Duration::from_millis(500)).is_some()
}

/// True when a Redis server on `port` answers `PING` with `+PONG`.
pub fn redis_pong(port: u16) -> bool {
    let Some(mut s) = connect(port, Duration::from_millis(500)) else {
        return false;
    };
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut got = 0;
    while got < 7 {
        match s.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    buf[..got].starts_with(b"+PONG")
}

/// True when an HTTP server on `port` answers `GET /` (any status).
pub(crate) fn http_answers(port: u16) -> bool {
    let Some(mut s) = connect(port, Duration::from_millis(1000)) else {
        return false;
    };
    if s.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 5];
    s.read_exact(&mut buf).is_ok() && &buf == b"HTTP/"
}

/// The port of a URL like `scheme://user@host:PORT/path`.
pub(crate) fn url_port(url: &str) -> Option<u16> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    host_port.rsplit_once(':')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_unique_and_parse_from_urls() {
        let mut pool = PortPool::default();
        let a = pool.take().unwrap();
        let b = pool.take().unwrap();
        assert_ne!(a, b);
        assert_eq!(
            url_port("postgres://postgres@127.0.0.1:5433/ciel"),
            Some(5433)
        );
        assert_eq!(
            url_port("amqp://guest:guest@127.0.0.1:40000/%2f"),
            Some(40000)
        );
        assert_eq!(url_port("http://127.0.0.1:9000"), Some(9000));
        assert_eq!(url_port("redis://127.0.0.1:6380/"), Some(6380));
        assert_eq!(url_port("nonsense"), None);
    }
}
