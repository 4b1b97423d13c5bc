//! Which adapter backs the cache, the job queue and the object store. Production uses Redis,
//! RabbitMQ and S3; a laptop without them (`cargo xtask dev`) can run one `combined` process on
//! Postgres alone: `REDIS_URL=memory://` (in-process cache and limiter), `AMQP_URL=memory://`
//! (in-process job queue, `combined` only: no other process could see it) and
//! `S3_ENDPOINT=file:///dir` (a local-directory store whose signed URLs the API serves).

use super::parse::Reader;
use super::{AppMode, Config};
use secrecy::ExposeSecret;
use std::path::PathBuf;

/// The `REDIS_URL` / `AMQP_URL` value that selects the in-process adapter.
pub const IN_PROCESS: &str = "memory://";

/// Where objects are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectBackend {
    /// An S3-compatible store at `S3_ENDPOINT`.
    S3,
    /// Files under this directory (`S3_ENDPOINT=file:///dir`), in the bucket's subdirectory.
    LocalDir(PathBuf),
}

impl Config {
    /// Whether the cache and the rate limiter run in-process (`REDIS_URL=memory://`).
    pub fn cache_in_process(&self) -> bool {
        self.redis_url.expose_secret() == IN_PROCESS
    }

    /// Whether media jobs go through an in-process queue (`AMQP_URL=memory://`).
    pub fn queue_in_process(&self) -> bool {
        self.amqp
            .url
            .as_ref()
            .is_some_and(|u| u.expose_secret() == IN_PROCESS)
    }

    /// The object store `S3_ENDPOINT` selects.
    pub fn object_backend(&self) -> ObjectBackend {
        match self.s3.endpoint.strip_prefix("file://") {
            Some(dir) => ObjectBackend::LocalDir(PathBuf::from(dir).join(&self.s3.bucket)),
            None => ObjectBackend::S3,
        }
    }
}

/// Problems of the combination: an in-process queue in a mode that does not consume it.
pub(super) fn check(config: &Config, r: &mut Reader<'_>) {
    if config.queue_in_process() && config.mode != AppMode::Combined {
        r.problem(
            "AMQP_URL",
            format!(
                "{IN_PROCESS} (an in-process queue) needs APP_MODE=combined: no other process can see it (APP_MODE is {})",
                config.mode
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let mut v: HashMap<String, String> = [
            ("DATABASE_URL", "postgres://x@127.0.0.1/ciel"),
            ("S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("S3_BUCKET", "ciel-media"),
            ("AMQP_URL", "amqp://127.0.0.1"),
            ("PASETO_ACCESS_KEY", key),
            ("PASETO_REFRESH_KEY", key),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, val) in extra {
            v.insert((*k).to_owned(), (*val).to_owned());
        }
        v
    }

    #[test]
    fn production_values_select_redis_rabbitmq_and_s3() {
        let c = Config::from_map(&vars(&[])).unwrap();
        assert!(!c.cache_in_process());
        assert!(!c.queue_in_process());
        assert_eq!(c.object_backend(), ObjectBackend::S3);
    }

    #[test]
    fn memory_and_file_values_select_the_local_adapters_in_combined_mode() {
        let c = Config::from_map(&vars(&[
            ("APP_MODE", "combined"),
            ("REDIS_URL", "memory://"),
            ("AMQP_URL", "memory://"),
            ("S3_ENDPOINT", "file:///tmp/objects"),
        ]))
        .unwrap();
        assert!(c.cache_in_process());
        assert!(c.queue_in_process());
        assert_eq!(
            c.object_backend(),
            ObjectBackend::LocalDir(PathBuf::from("/tmp/objects/ciel-media"))
        );
    }

    #[test]
    fn an_in_process_queue_outside_combined_mode_or_a_relative_dir_is_refused() {
        let err = Config::from_map(&vars(&[
            ("APP_MODE", "api"),
            ("AMQP_URL", "memory://"),
            ("S3_ENDPOINT", "file://relative/dir"),
        ]))
        .unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(vars, ["S3_ENDPOINT", "AMQP_URL"], "{err}");
        assert!(err.to_string().contains("needs APP_MODE=combined"), "{err}");
    }
}
