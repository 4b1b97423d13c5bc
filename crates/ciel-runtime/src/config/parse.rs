//! A small reader that parses variables and collects every problem instead of stopping at the
//! first one.

use super::{ConfigError, MIN_ADMIN_TOKEN_CHARS, SecretKey};
use base64::Engine;
use ipnet::IpNet;
use secrecy::{SecretBox, SecretString};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

pub(super) struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    problems: Vec<(String, String)>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(vars: &'a HashMap<String, String>) -> Self {
        Self {
            vars,
            problems: Vec::new(),
        }
    }

    pub(super) fn problem(&mut self, var: &str, text: impl Into<String>) {
        self.problems.push((var.to_owned(), text.into()));
    }

    fn raw(&self, var: &str) -> Option<&'a str> {
        self.vars.get(var).map(String::as_str).map(str::trim)
    }

    pub(super) fn optional(&mut self, var: &str) -> Option<String> {
        self.raw(var).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    pub(super) fn string(&mut self, var: &str, default: &str) -> String {
        self.optional(var).unwrap_or_else(|| default.to_owned())
    }

    pub(super) fn required(&mut self, var: &str, hint: &str) -> String {
        match self.optional(var) {
            Some(v) => v,
            None => {
                self.problem(var, format!("is required ({hint})"));
                String::new()
            }
        }
    }

    pub(super) fn required_secret(&mut self, var: &str, hint: &str) -> SecretString {
        SecretString::from(self.required(var, hint))
    }

    fn check_url(&mut self, var: &str, value: &str) -> bool {
        let ok = (value.starts_with("http://") || value.starts_with("https://"))
            && value.len() > "https://".len();
        if !ok {
            self.problem(
                var,
                format!("must be an http:// or https:// URL, got {value:?}"),
            );
        }
        ok
    }

    pub(super) fn required_url(&mut self, var: &str) -> String {
        let value = self.required(var, "an http(s) URL, e.g. http://127.0.0.1:9000");
        if !value.is_empty() {
            self.check_url(var, &value);
        }
        value
    }

    pub(super) fn optional_url(&mut self, var: &str) -> Option<String> {
        let value = self.optional(var)?;
        self.check_url(var, &value).then_some(value)
    }

    pub(super) fn parse_with<T>(
        &mut self,
        var: &str,
        default: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let value = self.string(var, default);
        let parsed = parse(&value);
        if parsed.is_none() {
            self.problem(var, format!("must be {expected}, got {value:?}"));
        }
        parsed
    }

    /// An optional value parsed by `parse`, whose error says what is wrong.
    pub(super) fn parse_result<T>(
        &mut self,
        var: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.optional(var)?;
        match parse(&value) {
            Ok(v) => Some(v),
            Err(why) => {
                self.problem(var, why);
                None
            }
        }
    }

    /// The admin secret: unset or empty disables admin routes; otherwise at least
    /// [`MIN_ADMIN_TOKEN_CHARS`] characters.
    pub(super) fn admin_token(&mut self, var: &str) -> Option<SecretString> {
        let value = self.optional(var)?;
        let chars = value.chars().count();
        if chars < MIN_ADMIN_TOKEN_CHARS {
            self.problem(
                var,
                format!(
                    "must be at least {MIN_ADMIN_TOKEN_CHARS} characters, got {chars} \
                     (generate one with `openssl rand -hex 32`, or leave it unset to disable \
                     admin routes)"
                ),
            );
            return None;
        }
        Some(SecretString::from(value))
    }

    pub(super) fn number<T>(&mut self, var: &str, default: T, min: T, max: T) -> T
    where
        T: FromStr + PartialOrd + Copy + std::fmt::Display,
    {
        let Some(value) = self.optional(var) else {
            return default;
        };
        match value.parse::<T>() {
            Ok(n) if n >= min && n <= max => n,
            _ => {
                self.problem(
                    var,
                    format!("must be a whole number from {min} to {max}, got {value:?}"),
                );
                default
            }
        }
    }

    pub(super) fn seconds(&mut self, var: &str, default: u64) -> Duration {
        Duration::from_secs(self.number(var, default, 1, 31_536_000))
    }

    pub(super) fn boolean(&mut self, var: &str, default: bool) -> bool {
        let Some(value) = self.optional(var) else {
            return default;
        };
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                self.problem(var, format!("must be true or false, got {value:?}"));
                default
            }
        }
    }

    pub(super) fn socket_addr(&mut self, var: &str, default: &str) -> SocketAddr {
        let value = self.string(var, default);
        value.parse().unwrap_or_else(|_| {
            self.problem(
                var,
                format!("must be ip:port, e.g. 0.0.0.0:8080, got {value:?}"),
            );
            SocketAddr::from(([0, 0, 0, 0], 0))
        })
    }

    pub(super) fn optional_socket_addr(&mut self, var: &str) -> Option<SocketAddr> {
        let value = self.optional(var)?;
        match value.parse() {
            Ok(addr) => Some(addr),
            Err(_) => {
                self.problem(
                    var,
                    format!("must be ip:port, e.g. 10.0.0.5:9100, got {value:?}"),
                );
                None
            }
        }
    }

    pub(super) fn cidr_list(&mut self, var: &str) -> Vec<IpNet> {
        let Some(value) = self.optional(var) else {
            return Vec::new();
        };
        let mut nets = Vec::new();
        for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            // A bare address means a single host.
            let parsed = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from));
            match parsed {
                Ok(net) => nets.push(net),
                Err(_) => self.problem(
                    var,
                    format!("{item:?} is not a CIDR such as 10.0.0.0/8 or an IP address"),
                ),
            }
        }
        nets
    }

    /// A PASETO key: standard base64 of exactly 32 bytes.
    pub(super) fn paseto_key(&mut self, var: &str, required: bool) -> Option<SecretKey> {
        let Some(value) = self.optional(var) else {
            if required {
                self.problem(
                    var,
                    "is required (standard base64 of 32 random bytes, e.g. `openssl rand -base64 32`)",
                );
            }
            return None;
        };
        match base64::engine::general_purpose::STANDARD.decode(value.as_bytes()) {
            Ok(bytes) => match <[u8; 32]>::try_from(bytes.as_slice()) {
                Ok(key) => Some(SecretBox::new(Box::new(key))),
                Err(_) => {
                    self.problem(
                        var,
                        format!("must decode to exactly 32 bytes, got {}", bytes.len()),
                    );
                    None
                }
            },
            Err(_) => {
                self.problem(var, "is not valid standard base64");
                None
            }
        }
    }

    pub(super) fn finish(self) -> Result<(), ConfigError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                problems: self.problems,
            })
        }
    }
}
