//! `sslmode` and `sslrootcert` as libpq reads them, taken out of a connection string so that
//! tokio-postgres (which knows only `disable|prefer|require` and no root certificate) parses
//! the rest.

use std::fmt;

/// libpq's `sslmode` values that a client can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Plain only.
    Disable,
    /// Plain only (libpq: try plain first, TLS if the server insists; our servers never insist).
    Allow,
    /// TLS when the server offers it, plain otherwise; the certificate is not checked.
    Prefer,
    /// TLS or no connection; the certificate is not checked unless a root certificate is given
    /// (then as `verify-ca`, as libpq does when its root certificate file exists).
    Require,
    /// TLS with a certificate chaining to a trusted root.
    VerifyCa,
    /// `verify-ca`, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<Self, String> {
        Ok(match value {
            "disable" => Self::Disable,
            "allow" => Self::Allow,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(format!(
                    "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                ));
            }
        })
    }

    /// The spelling in connection strings.
    pub fn name(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where trusted roots come from for `verify-ca`/`verify-full`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCert {
    /// The platform's trust store (`sslrootcert=system`, or no `sslrootcert` at all).
    System,
    /// Only the certificates of this PEM file (`sslrootcert=PATH` or `DATABASE_CA_CERT`).
    File(String),
}

/// A connection string split into what tokio-postgres parses and the TLS settings we apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    /// The connection string without `sslmode` and `sslrootcert`.
    pub rest: String,
    /// `sslmode` (libpq's default, `prefer`, when absent).
    pub mode: SslMode,
    /// `sslrootcert`, when given.
    pub root_cert: Option<RootCert>,
}

/// Splits `sslmode` and `sslrootcert` out of a URL (`postgres://…?sslmode=…`) or a key/value
/// string (`host=… sslmode=…`).
pub fn split(conninfo: &str) -> Result<TlsSettings, String> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> Result<bool, String> {
        match key {
            "sslmode" => mode = Some(SslMode::parse(value)?),
            "sslrootcert" => {
                root_cert = Some(if value == "system" {
                    RootCert::System
                } else {
                    RootCert::File(value.to_owned())
                });
            }
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://") {
        match conninfo.split_once('?') {
            None => conninfo.to_owned(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(&percent_decode(key)?, &percent_decode(value)?)? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for pair in conninfo.split_whitespace() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, value.trim_matches('\''))? {
                kept.push(pair);
            }
        }
        kept.join(" ")
    };
    Ok(TlsSettings {
        rest,
        mode: mode.unwrap_or(SslMode::Prefer),
        root_cert,
    })
}

/// `url` with `sslrootcert=path` added, unless it already names one (how `DATABASE_CA_CERT`
/// reaches every connection).
pub fn with_root_cert(url: &str, path: &str) -> String {
    let has_root = split(url).is_ok_and(|s| s.root_cert.is_some());
    if has_root || path.is_empty() {
        return url.to_owned();
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslrootcert={}", percent_encode(path))
    } else {
        format!("{url} sslrootcert={path}")
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "bad percent-encoding in the database URL".to_owned())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the database URL is not UTF-8 once decoded".to_owned())
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_only_the_tls_parameters() {
        let s = split("postgres://u:p@db:5432/ciel?sslmode=verify-full&application_name=x&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(s.rest, "postgres://u:p@db:5432/ciel?application_name=x");
        assert_eq!(s.mode, SslMode::VerifyFull);
        assert_eq!(s.root_cert, Some(RootCert::File("/etc/ca.pem".into())));
        let s = split("postgresql://db/ciel?sslmode=require").unwrap();
        assert_eq!(
            (s.rest.as_str(), s.mode),
            ("postgresql://db/ciel", SslMode::Require)
        );
        let s = split("postgres://db/ciel").unwrap();
        assert_eq!(
            (s.mode, s.root_cert),
            (SslMode::Prefer, None),
            "libpq's default"
        );
        let s = split("postgres://db/ciel?sslrootcert=system&sslmode=verify-ca").unwrap();
        assert_eq!(s.root_cert, Some(RootCert::System));
    }

    #[test]
    fn key_value_strings_too() {
        let s = split("host=db dbname=ciel sslmode=disable user=u").unwrap();
        assert_eq!(
            (s.rest.as_str(), s.mode),
            ("host=db dbname=ciel user=u", SslMode::Disable)
        );
    }

    #[test]
    fn unknown_modes_are_refused_by_name() {
        let e = split("postgres://db/ciel?sslmode=on").unwrap_err();
        assert!(e.contains("sslmode=on"), "{e}");
    }

    #[test]
    fn a_ca_file_is_added_unless_one_is_named() {
        assert_eq!(
            with_root_cert("postgres://db/ciel", "/run/ca cert.pem"),
            "postgres://db/ciel?sslrootcert=/run/ca%20cert.pem"
        );
        assert_eq!(
            with_root_cert("postgres://db/ciel?sslmode=verify-full", "/ca.pem"),
            "postgres://db/ciel?sslmode=verify-full&sslrootcert=/ca.pem"
        );
        let named = "postgres://db/ciel?sslrootcert=/mine.pem";
        assert_eq!(with_root_cert(named, "/ca.pem"), named);
        let round = split(&with_root_cert("postgres://db/ciel", "/run/ca cert.pem")).unwrap();
        assert_eq!(
            round.root_cert,
            Some(RootCert::File("/run/ca cert.pem".into()))
        );
    }
}
