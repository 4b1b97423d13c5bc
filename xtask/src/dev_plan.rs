//! What `cargo xtask dev` runs each service with, decided from what it finds: a URL the caller
//! set, a throwaway service when its binary is installed (or installable, as root), else — for
//! Redis, RabbitMQ and S3 — the in-process/local fallback, and for Postgres a stop with exact
//! instructions. Pure: the facts are gathered elsewhere, so the decision is unit-tested.

use ciel_testkit::services::ServiceKind;

/// What was found for one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The service's URL variable was set by the caller (e.g. `REDIS_URL`).
    pub url_given: bool,
    /// Its binaries are installed.
    pub installed: bool,
    /// They can be installed here (we are root, apt-get exists; or cargo for s3s-fs).
    pub installable: bool,
    /// The caller asked to do without it (`--without`).
    pub refused: bool,
}

/// How the dev run gets one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Use the caller's URL as is.
    Given,
    /// Start a throwaway one under `target/` (installing it first when needed).
    Start,
    /// Run without it: the in-process/local replacement.
    Fallback,
    /// Cannot run: Postgres is required.
    Missing,
}

/// The decision for `kind` given `facts`.
pub fn decide(kind: ServiceKind, facts: &Facts) -> Choice {
    if facts.url_given && !facts.refused {
        return Choice::Given;
    }
    let can_start = !facts.refused && (facts.installed || facts.installable);
    match (kind, can_start) {
        (_, true) => Choice::Start,
        (ServiceKind::Postgres, false) => Choice::Missing,
        (_, false) => Choice::Fallback,
    }
}

/// What stands in for `kind` when it is absent, in words.
pub fn fallback_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Postgres => "nothing (Postgres is required)",
        ServiceKind::Redis => "the in-process cache and rate limiter (REDIS_URL=memory://)",
        ServiceKind::RabbitMq => "the in-process job queue (AMQP_URL=memory://)",
        ServiceKind::S3 => {
            "a local-directory object store served by the API (S3_ENDPOINT=file://…)"
        }
    }
}

/// How to get `kind`, exactly.
pub fn how_to_get(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::Postgres => {
            "install PostgreSQL 15 (`sudo apt-get install postgresql-15` on Debian/Ubuntu: \
             initdb, pg_ctl and postgres in /usr/lib/postgresql/15/bin, psql on PATH), or point \
             DATABASE_URL at a running server (e.g. `brew install postgresql@15 && brew services \
             start postgresql@15`, then DATABASE_URL=postgres://$USER@127.0.0.1:5432/postgres)"
        }
        ServiceKind::Redis => {
            "`sudo apt-get install redis-server` (or `brew install redis`), or set REDIS_URL"
        }
        ServiceKind::RabbitMq => {
            "`sudo apt-get install rabbitmq-server` (or `brew install rabbitmq`), or set AMQP_URL"
        }
        ServiceKind::S3 => {
            "`cargo install s3s-fs --version 0.14.1 --features binary --locked` (about 2 min, no \
             root needed), or set S3_ENDPOINT, S3_BUCKET and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        }
    }
}

/// Parses `--without redis,rabbitmq,s3` names.
pub fn parse_without(list: &str) -> Result<Vec<ServiceKind>, String> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|name| {
            ServiceKind::ALL
                .into_iter()
                .find(|k| k.name() == name.trim())
                .filter(|k| *k != ServiceKind::Postgres)
                .ok_or_else(|| {
                    format!(
                        "--without takes redis, rabbitmq and s3 (comma-separated), got {name:?}"
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(url_given: bool, installed: bool, installable: bool, refused: bool) -> Facts {
        Facts {
            url_given,
            installed,
            installable,
            refused,
        }
    }

    #[test]
    fn a_given_url_wins_then_an_installed_or_installable_service_starts() {
        for kind in ServiceKind::ALL {
            assert_eq!(
                decide(kind, &facts(true, false, false, false)),
                Choice::Given
            );
            assert_eq!(
                decide(kind, &facts(false, true, false, false)),
                Choice::Start
            );
            assert_eq!(
                decide(kind, &facts(false, false, true, false)),
                Choice::Start
            );
        }
    }

    #[test]
    fn on_a_laptop_without_root_only_postgres_is_required() {
        let nothing = facts(false, false, false, false);
        assert_eq!(decide(ServiceKind::Postgres, &nothing), Choice::Missing);
        for kind in [ServiceKind::Redis, ServiceKind::RabbitMq, ServiceKind::S3] {
            assert_eq!(decide(kind, &nothing), Choice::Fallback, "{kind}");
        }
    }

    #[test]
    fn without_falls_back_even_when_installed_or_given() {
        for kind in [ServiceKind::Redis, ServiceKind::RabbitMq, ServiceKind::S3] {
            assert_eq!(
                decide(kind, &facts(true, true, true, true)),
                Choice::Fallback
            );
        }
    }

    #[test]
    fn without_names_are_checked() {
        assert_eq!(
            parse_without("redis,rabbitmq,s3"),
            Ok(vec![
                ServiceKind::Redis,
                ServiceKind::RabbitMq,
                ServiceKind::S3
            ])
        );
        assert!(parse_without("postgres").is_err());
        assert!(parse_without("redis,mongo").is_err());
    }
}
