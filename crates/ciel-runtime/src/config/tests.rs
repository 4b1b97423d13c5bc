//! Configuration parsing and validation tests.

use super::*;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // bytes 0..32

fn base() -> HashMap<String, String> {
    [
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ciel"),
        ("S3_ENDPOINT", "http://127.0.0.1:9000"),
        ("S3_BUCKET", "ciel-media"),
        ("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f"),
        ("PASETO_ACCESS_KEY", KEY),
        ("PASETO_REFRESH_KEY", KEY),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn with(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars = base();
    for (k, v) in pairs {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    vars
}

fn problems(vars: &HashMap<String, String>) -> Vec<String> {
    Config::from_map(vars)
        .unwrap_err()
        .problems
        .into_iter()
        .map(|(var, _)| var)
        .collect()
}

#[test]
fn defaults_follow_the_contract() {
    let c = Config::from_map(&base()).unwrap();
    assert_eq!(c.mode, AppMode::Api);
    assert_eq!(c.http_addr.to_string(), "0.0.0.0:8080");
    assert_eq!(c.database.max_connections, 25);
    assert_eq!(c.database.connect_timeout, Duration::from_secs(5));
    assert_eq!(c.database.idle_timeout, Duration::from_secs(300));
    assert_eq!(c.database.max_lifetime, Duration::from_secs(1800));
    assert_eq!(c.database.statement_timeout, Duration::from_secs(30));
    assert_eq!(c.s3.region, "fr-par");
    assert!(!c.s3.force_path_style);
    assert_eq!(c.auth.access_ttl, Duration::from_secs(15 * 60));
    assert_eq!(c.auth.refresh_ttl, Duration::from_secs(30 * 86_400));
    assert!(c.auth.admin_token.is_none());
    assert_eq!(c.upload_url_ttl, Duration::from_secs(900));
    assert_eq!(c.upload_max_bytes, 10_485_760);
    assert_eq!(c.ip_signup_rate_limit, 3);
    assert!(c.trusted_proxies.is_empty());
    assert_eq!(c.notification_queue_capacity, 2048);
    assert_eq!(c.served_by, "rust");
    assert_eq!(c.amqp.media_queue, "ciel.media");
    assert!(c.auth.hash_concurrency >= 1);
    assert_eq!(c.auth.hash_queue, 32);
    assert!(c.rate_limits_enabled);
    assert_eq!(c.redis_key_prefix, "");
    assert!(!c.database.migrate_on_start);
    assert!(c.metrics_addr.is_none());
    assert!(c.otel_endpoint.is_none());
}

#[test]
fn serverless_worker_needs_no_keys_or_broker_and_has_a_small_pool() {
    let mut vars = base();
    for k in ["AMQP_URL", "PASETO_ACCESS_KEY", "PASETO_REFRESH_KEY"] {
        vars.remove(k);
    }
    vars.insert("APP_MODE".into(), "serverless-worker".into());
    let c = Config::from_map(&vars).unwrap();
    assert_eq!(c.mode, AppMode::ServerlessWorker);
    assert_eq!(c.database.max_connections, 5);
    assert!(c.auth.access_key.is_none());
}

#[test]
fn every_problem_is_reported_with_its_variable() {
    let vars: HashMap<String, String> = [
        ("APP_MODE", "web"),
        ("HTTP_ADDR", "localhost"),
        ("DB_MAX_CONNECTIONS", "lots"),
        ("PASETO_ACCESS_KEY", "c2hvcnQ="),
        ("PASETO_REFRESH_KEY", "%%%"),
        ("TRUSTED_PROXY_CIDRS", "10.0.0.0/8, nonsense"),
        ("S3_ENDPOINT", "s3.example.com"),
        ("MIGRATE_ON_START", "maybe"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let err = Config::from_map(&vars).unwrap_err();
    let vars: Vec<&str> = err.problems.iter().map(|(v, _)| v.as_str()).collect();
    for expected in [
        "APP_MODE",
        "HTTP_ADDR",
        "DATABASE_URL",
        "DB_MAX_CONNECTIONS",
        "MIGRATE_ON_START",
        "S3_ENDPOINT",
        "S3_BUCKET",
        "PASETO_ACCESS_KEY",
        "PASETO_REFRESH_KEY",
        "TRUSTED_PROXY_CIDRS",
    ] {
        assert!(vars.contains(&expected), "{expected} missing from {vars:?}");
    }
    let text = err.to_string();
    assert!(
        text.contains("PASETO_ACCESS_KEY: must decode to exactly 32 bytes, got 5"),
        "{text}"
    );
    assert!(
        text.contains("APP_MODE: must be one of api, worker, combined, serverless-worker"),
        "{text}"
    );
}

#[test]
fn amqp_is_required_outside_serverless() {
    let mut vars = base();
    vars.remove("AMQP_URL");
    assert_eq!(problems(&vars), ["AMQP_URL"]);
}

#[test]
fn empty_admin_token_counts_as_unset() {
    let c = Config::from_map(&with(&[("ADMIN_TOKEN", "")])).unwrap();
    assert!(c.auth.admin_token.is_none());
}

#[test]
fn trusted_proxies_accept_cidrs_and_addresses() {
    let c = Config::from_map(&with(&[(
        "TRUSTED_PROXY_CIDRS",
        "10.0.0.0/8,192.168.1.1, ::1",
    )]))
    .unwrap();
    assert_eq!(c.trusted_proxies.len(), 3);
}

#[test]
fn secrets_do_not_appear_in_debug_output() {
    let token = "hunter2-admin-hunter2-admin-hunter2";
    let c = Config::from_map(&with(&[("ADMIN_TOKEN", token)])).unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains(token));
    assert!(!debug.contains("postgres://postgres@127.0.0.1"));
}

#[test]
fn all_zero_key_is_detected() {
    let zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assert!(
        Config::from_map(&with(&[("PASETO_ACCESS_KEY", zero)]))
            .unwrap()
            .has_all_zero_paseto_key()
    );
    assert!(!Config::from_map(&base()).unwrap().has_all_zero_paseto_key());
}

#[test]
fn short_admin_tokens_are_refused_with_the_rule() {
    let err = Config::from_map(&with(&[("ADMIN_TOKEN", "hunter2-admin")])).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    let (var, why) = &err.problems[0];
    assert_eq!(var, "ADMIN_TOKEN");
    assert!(why.contains("at least 32 characters, got 13"), "{why}");
    let ok = "a".repeat(32);
    assert!(
        Config::from_map(&with(&[("ADMIN_TOKEN", ok.as_str())]))
            .unwrap()
            .auth
            .admin_token
            .is_some()
    );
}

#[test]
fn rate_limit_settings_are_validated() {
    let c = Config::from_map(&base()).unwrap();
    assert_eq!(c.rate_limit_ipv6_prefix, 64);
    assert_eq!(c.rate_limit_memory_max_keys, 100_000);
    assert!(c.rate_limit_overrides.is_empty());
    let c = Config::from_map(&with(&[
        ("RATE_LIMIT_IPV6_PREFIX", "56"),
        ("RATE_LIMIT_MEMORY_MAX_KEYS", "5000"),
        ("RATE_LIMIT_OVERRIDES", "post:hour:new=3,login:hour=20"),
    ]))
    .unwrap();
    assert_eq!(c.rate_limit_ipv6_prefix, 56);
    assert_eq!(c.rate_limit_memory_max_keys, 5000);
    assert!(!c.rate_limit_overrides.is_empty());
    let err = Config::from_map(&with(&[
        ("RATE_LIMIT_IPV6_PREFIX", "129"),
        ("RATE_LIMIT_MEMORY_MAX_KEYS", "0"),
        ("RATE_LIMIT_OVERRIDES", "post:minute:new=3"),
    ]))
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("RATE_LIMIT_IPV6_PREFIX"), "{text}");
    assert!(text.contains("RATE_LIMIT_MEMORY_MAX_KEYS"), "{text}");
    assert!(
        text.contains(
            "RATE_LIMIT_OVERRIDES: entry \"post:minute:new=3\": post has no minute window"
        ),
        "{text}"
    );
}

#[test]
fn database_tls_settings_are_checked_at_start() {
    use secrecy::ExposeSecret;
    assert_eq!(
        problems(&with(&[(
            "DATABASE_URL",
            "postgres://u:secret@db/ciel?sslmode=on"
        )])),
        ["DATABASE_URL"]
    );
    let err = Config::from_map(&with(&[(
        "DATABASE_URL",
        "postgres://u:secret@db/ciel?sslmode=on",
    )]))
    .unwrap_err();
    assert!(
        !format!("{err:?}").contains("secret"),
        "the URL's password is never repeated: {err:?}"
    );
    assert_eq!(
        problems(&with(&[("DATABASE_CA_CERT", "/nonexistent/ca.pem")])),
        ["DATABASE_CA_CERT"]
    );
    let ca = std::env::temp_dir().join("ciel-config-test-ca.pem");
    std::fs::write(&ca, "not checked here").unwrap();
    let c = Config::from_map(&with(&[
        ("DATABASE_URL", "postgres://db/ciel?sslmode=verify-full"),
        ("DATABASE_CA_CERT", ca.to_str().unwrap()),
    ]))
    .unwrap();
    assert_eq!(
        c.database.url.expose_secret(),
        format!(
            "postgres://db/ciel?sslmode=verify-full&sslrootcert={}",
            ca.display()
        )
    );
    // A URL naming its own root certificate keeps it.
    let c = Config::from_map(&with(&[
        ("DATABASE_URL", "postgres://db/ciel?sslrootcert=/mine.pem"),
        ("DATABASE_CA_CERT", ca.to_str().unwrap()),
    ]))
    .unwrap();
    assert_eq!(
        c.database.url.expose_secret(),
        "postgres://db/ciel?sslrootcert=/mine.pem"
    );
}
