//! `DIR/env`: the `export KEY=VALUE` file that tells tests and shells where the services listen.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::process::sh_quote;

/// Environment variables describing running services (DATABASE_URL, REDIS_URL, AMQP_URL, S3_ENDPOINT, ...).
#[derive(Clone, Debug, Default)]
pub struct ServiceEnv {
    /// Variable name → value.
    pub vars: BTreeMap<String, String>,
}

impl ServiceEnv {
    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// One `export KEY=VALUE` line per variable (values shell-quoted when needed), for `. DIR/env`.
    pub fn to_shell(&self) -> String {
        self.vars
            .iter()
            .map(|(k, v)| format!("export {k}={}\n", sh_quote(v)))
            .collect()
    }

    /// Parses what [`ServiceEnv::to_shell`] writes (blank lines and `#` comments are ignored).
    pub(crate) fn parse(text: &str) -> Result<ServiceEnv> {
        let mut vars = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let body = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let Some((key, value)) = body.split_once('=') else {
                bail!("line {}: expected `export KEY=VALUE`, got {raw:?}", i + 1);
            };
            let valid_key = !key.is_empty()
                && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !key.as_bytes()[0].is_ascii_digit();
            if !valid_key {
                bail!("line {}: invalid variable name {key:?}", i + 1);
            }
            vars.insert(
                key.to_owned(),
                sh_unquote(value).with_context(|| format!("line {}", i + 1))?,
            );
        }
        Ok(ServiceEnv { vars })
    }
}

/// Undoes [`sh_quote`]: a bare word, or single-quoted pieces joined by `\'`.
fn sh_unquote(v: &str) -> Result<String> {
    if !v.contains('\'') {
        return Ok(v.to_owned());
    }
    let mut out = String::new();
    let mut rest = v;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('\'') {
            let end = after.find('\'').context("unterminated single quote")?;
            out.push_str(&after[..end]);
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix("\\'") {
            out.push('\'');
            rest = after;
        } else {
            let end = rest.find(['\'', '\\']).unwrap_or(rest.len());
            if end == 0 {
                bail!("unsupported shell quoting in {v:?}");
            }
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    Ok(out)
}

/// Parses `dir/env`.
pub fn read_env(dir: &Path) -> Result<ServiceEnv> {
    let path = dir.join("env");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (no services running there? start them with `cargo xtask services up`)",
            path.display()
        )
    })?;
    ServiceEnv::parse(&text).with_context(|| format!("cannot parse {}", path.display()))
}

/// Writes `dir/env` atomically (temp file + rename), so readers never see half a file.
pub(crate) fn write_env(dir: &Path, env: &ServiceEnv) -> Result<()> {
    let tmp = dir.join(".env.tmp");
    let path = dir.join("env");
    let text = format!(
        "# Throwaway services started by ciel_testkit::services; stop them with `cargo xtask services down`.\n{}",
        env.to_shell()
    );
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_shell_form() {
        let mut env = ServiceEnv::default();
        env.vars.insert(
            "AMQP_URL".into(),
            "amqp://guest:guest@127.0.0.1:1/%2f".into(),
        );
        env.vars
            .insert("ODD".into(), "it's a value with spaces".into());
        env.vars.insert("EMPTY".into(), String::new());
        let text = env.to_shell();
        assert!(text.contains("export AMQP_URL=amqp://guest:guest@127.0.0.1:1/%2f\n"));
        let back = ServiceEnv::parse(&text).unwrap();
        assert_eq!(back.vars, env.vars);
        assert_eq!(back.get("ODD"), Some("it's a value with spaces"));
    }

    #[test]
    fn rejects_garbage() {
        assert!(ServiceEnv::parse("export =x").is_err());
        assert!(ServiceEnv::parse("just words").is_err());
        assert!(ServiceEnv::parse("# comment\n\nexport A=1").is_ok());
    }
}
