//! `cargo xtask bench feed`: the home feed's first page at 10^5 and 10^6 posts.
//!
//! Seeds 10^4 users with 200 follows each by bulk SQL (`INSERT … SELECT generate_series`), then
//! 10^5 posts over 60 days; measures (a) cache misses, after Redis is flushed: first the 2,000
//! hot users' first requests ("cold": the first requests after the load, when no post has a
//! rendered card in the process yet — reported, not the target's figure), then the first
//! request of every other user, each once (misses of a serving process: the target's figure) —
//! and (b) cache hits — the hot users, their pages cached, for N seconds —
//! with 64 connections; adds 9×10^5 posts over the same 60 days (10× denser) and measures again;
//! then (c) a trivial JSON answer of the same server (the 401 of `GET /v1/feed` without a
//! token: no Postgres, no Redis), `GET /health` and `GET /v1/users/{id}`. For each route:
//! req/s, p50/p99, statements and Postgres time (planning + execution) per request from
//! `pg_stat_statements`, and for the feed the cache outcome counts from
//! `feed_cache_requests_total`. Ends with the plan (EXPLAIN ANALYZE, BUFFERS) of the miss query
//! at 10^6 posts — the API's own first-page statement, prepared from `pg_stat_statements` — and
//! the targets. The posts are bulk-loaded with triggers off, so the followee heads and the
//! materialised timelines are rebuilt after each load, which ends with a `CHECKPOINT` and a
//! `sync` so that the load's writes do not spill into the measured phases (the bench Postgres
//! runs with fsync off: its checkpoint only hands the pages to the kernel).

use super::harness::{Api, BenchServices, build_release_api, ensure_wrk, script};
use anyhow::{Context, Result, bail};
use ciel_app::tokens::TokenService;
use ciel_domain::UserId;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const USERS: i64 = 10_000;
const FOLLOWS: i64 = 200;
const CONNECTIONS: u32 = 64;
const THREADS: u32 = 2;
/// Users whose cached pages the hit phase cycles through (warmed right before it).
const HOT_USERS: usize = 2_000;
const ACCESS_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const REFRESH_KEY: &str = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";
const ADMIN: &str = "bench-admin-token-bench-admin-token";

#[derive(QueryableByName)]
struct Totals {
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = Double)]
    ms: f64,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Statements and Postgres time of everything the API ran since the last reset.
const TOTALS: &str = "SELECT coalesce(sum(calls), 0)::bigint AS calls, \
     coalesce(sum(total_exec_time + total_plan_time), 0)::float8 AS ms \
     FROM pg_stat_statements \
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       AND query NOT ILIKE '%pg_stat_statements%'";

/// One measured route.
struct Measured {
    label: String,
    requests: f64,
    seconds: f64,
    non_2xx: f64,
    p50_ms: f64,
    p99_ms: f64,
    statements: f64,
    pg_ms: f64,
    cache: Option<[u64; 3]>,
}

impl Measured {
    fn per_sec(&self) -> f64 {
        self.requests / self.seconds
    }

    fn line(&self) -> String {
        let cache = self.cache.map_or(String::new(), |[h, m, e]| {
            format!("   cache hit/miss/error {h}/{m}/{e}")
        });
        let non = if self.non_2xx > 0.0 {
            format!("   ({} non-2xx)", self.non_2xx)
        } else {
            String::new()
        };
        format!(
            "  {:<34} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   {:>5.2} stmt/req   {:>6.3} ms PG/req{cache}{non}",
            self.label,
            self.per_sec(),
            self.p50_ms,
            self.p99_ms,
            self.statements / self.requests,
            self.pg_ms / self.requests,
        )
    }
}

fn step(msg: &str) {
    eprintln!("bench feed: {msg}");
}

async fn timed(conn: &mut AsyncPgConnection, what: &str, sql: &str) -> Result<()> {
    let started = Instant::now();
    conn.batch_execute(sql)
        .await
        .with_context(|| format!("seeding: {what}"))?;
    step(&format!(
        "  {what} ({:.1} s)",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// The id of bench user `n` (deterministic, so SQL and Rust agree).
fn user_id_sql(n: &str) -> String {
    format!("md5('bench-user-' || ({n}))::uuid")
}

async fn seed_graph(conn: &mut AsyncPgConnection) -> Result<()> {
    step(&format!(
        "seeding {USERS} users and {FOLLOWS} follows each (bulk SQL) …"
    ));
    timed(
        conn,
        "users and trust rows",
        &format!(
            "INSERT INTO users (id, handle, email, display_name, created_at) \
             SELECT {id}, 'b' || lpad(n::text, 5, '0'), 'b' || n || '@bench.example', \
                    'Bench user ' || n, now() - interval '400 days' \
               FROM generate_series(0, {last}) AS n; \
             INSERT INTO user_trust_scores (user_id) SELECT id FROM users;",
            id = user_id_sql("n"),
            last = USERS - 1
        ),
    )
    .await?;
    // Bulk load without the per-row trigger that takes each edge's `followee_head`; there are no
    // posts yet, and `seed_posts` recomputes every head after its own bulk load.
    timed(
        conn,
        "triggers off",
        "SET session_replication_role = replica",
    )
    .await?;
    // Follower a follows a + 47k (mod N) for k = 1..200: 200 distinct others each.
    let chunk = USERS / 4;
    for part in 0..4 {
        timed(
            conn,
            &format!(
                "follows of users {}..{}",
                part * chunk,
                (part + 1) * chunk - 1
            ),
            &format!(
                "INSERT INTO follows (follower_id, followee_id, created_at) \
                 SELECT {a}, {b}, now() - interval '100 days' \
                   FROM generate_series({from}, {to}) AS a, generate_series(1, {FOLLOWS}) AS k",
                a = user_id_sql("a"),
                b = user_id_sql(&format!("(a + k * 47) % {USERS}")),
                from = part * chunk,
                to = (part + 1) * chunk - 1,
            ),
        )
        .await?;
    }
    Ok(())
}

/// Adds posts `from..to` (round-robin owners, random times over the last 60 days), then
/// VACUUM ANALYZE (fresh statistics, and a visibility map for index-only probes).
async fn seed_posts(conn: &mut AsyncPgConnection, from: i64, to: i64) -> Result<()> {
    step(&format!("adding posts {from}..{to} …"));
    // Bulk load: skip the per-row triggers that keep `follows.followee_head` (recomputed below).
    timed(
        conn,
        "triggers off",
        "SET session_replication_role = replica",
    )
    .await?;
    let chunk = 100_000;
    let mut start = from;
    while start < to {
        let end = (start + chunk).min(to);
        timed(
            conn,
            &format!("posts {start}..{end}"),
            &format!(
                "INSERT INTO posts (owner_id, caption, visibility, created_at) \
                 SELECT {owner}, 'Golden hour at the harbour #' || (g % 97), \
                        CASE WHEN g % 5 = 0 THEN 'followers_only' ELSE 'public' END::post_visibility, \
                        now() - random() * interval '60 days' \
                   FROM generate_series({start}, {last}) AS g",
                owner = user_id_sql(&format!("g % {USERS}")),
                last = end - 1,
            ),
        )
        .await?;
        start = end;
    }
    // The posts went in with triggers off (one follows UPDATE per post would take hours);
    // every edge's `followee_head` is recomputed in one statement, as the migration does, with
    // the heads index dropped meanwhile (the updates stay HOT) and rebuilt from its own
    // definition after.
    timed(
        conn,
        "followee heads",
        "SET session_replication_role = DEFAULT; \
         DO $$ DECLARE def text; BEGIN \
           SELECT indexdef INTO STRICT def FROM pg_indexes \
            WHERE indexname = 'follows_follower_head_idx'; \
           DROP INDEX follows_follower_head_idx; \
           UPDATE follows f SET followee_head = h.head \
             FROM (SELECT owner_id, max(created_at) AS head FROM posts GROUP BY owner_id) h \
            WHERE h.owner_id = f.followee_id AND f.followee_head IS DISTINCT FROM h.head; \
           EXECUTE def; \
         END $$",
    )
    .await?;
    // Likewise the materialised timelines (the post triggers' fan-out was skipped too).
    timed(conn, "home timelines", "SELECT home_timeline_rebuild()").await?;
    timed(conn, "VACUUM ANALYZE", "VACUUM ANALYZE").await?;
    // The load left gigabytes of dirty buffers: written now, not by the checkpointer spread
    // over the next minutes of measuring (a served feed never follows a bulk load).
    timed(conn, "CHECKPOINT", "CHECKPOINT").await?;
    // The bench Postgres runs with fsync off, so the checkpoint only handed those gigabytes to
    // the kernel, which would write them back during the measured phases (its flusher wakes
    // for pages dirty longer than 30 s): flushed now.
    let started = Instant::now();
    let status = Command::new("sync")
        .status()
        .context("running `sync` (coreutils) after the load")?;
    if !status.success() {
        bail!("`sync` after the load failed ({status}); rerun the bench");
    }
    step(&format!(
        "  sync ({:.1} s)",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// A wrk script: GET `path` (`{id}` replaced by the user's id) as consecutive users of
/// `users[first..first + span]`, authenticated unless `anonymous`; with `once`, each thread
/// stops after its share, so every user is asked exactly once across threads.
fn lua(
    name: &str,
    path: &str,
    tokens: &[(String, String)],
    span: usize,
    once: bool,
    anonymous: bool,
) -> Result<std::path::PathBuf> {
    let mut s = String::from("local tokens = {\n");
    for (_, t) in &tokens[..span] {
        s.push_str(&format!("\"{t}\",\n"));
    }
    s.push_str("}\nlocal ids = {\n");
    for (id, _) in &tokens[..span] {
        s.push_str(&format!("\"{id}\",\n"));
    }
    let (prefix, suffix) = path.split_once("{id}").unwrap_or((path, ""));
    let with_id = path.contains("{id}");
    s.push_str(&format!(
        "}}\nlocal span = {span}\nlocal threads = {THREADS}\nlocal once = {once}\n\
         local anonymous = {anonymous}\nlocal with_id = {with_id}\nlocal counter = 0\n\
         local made = 0\nlocal responses = 0\n\
         function setup(thread) thread:set(\"tid\", made); made = made + 1 end\n\
         request = function()\n\
         \x20 local u = ((tid + counter * threads) % span) + 1\n\
         \x20 counter = counter + 1\n\
         \x20 local path = \"{prefix}\"\n\
         \x20 if with_id then path = path .. ids[u] .. \"{suffix}\" end\n\
         \x20 if anonymous then return wrk.format(\"GET\", path) end\n\
         \x20 return wrk.format(\"GET\", path, {{[\"Authorization\"] = \"Bearer \" .. tokens[u]}})\n\
         end\n\
         response = function(status, headers, body)\n\
         \x20 responses = responses + 1\n\
         \x20 if once and tid + (responses - 1) * threads >= span - threads then wrk.thread:stop() end\n\
         end\n"
    ));
    script(name, &s)
}

/// What one wrk run printed.
struct Wrk {
    requests: f64,
    seconds: f64,
    non_2xx: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn latency_ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

/// Runs wrk for `seconds`; with `until`, stops it (SIGINT, which makes wrk report at once)
/// as soon as the feed cache has counted that many more lookups: wrk's own `thread:stop()`
/// ends the load but not the run, which would then report the whole duration.
fn run_wrk(base: &str, script: &Path, seconds: u64, until: Option<u64>) -> Result<Wrk> {
    let before = match until {
        Some(_) => Some(cache_counts(base)?),
        None => None,
    };
    let child = Command::new("wrk")
        .args([
            &format!("-t{THREADS}"),
            &format!("-c{CONNECTIONS}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(base)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running wrk")?;
    if let (Some(n), Some(before)) = (until, before) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            std::thread::sleep(Duration::from_millis(20));
            let now = cache_counts(base)?;
            let done: u64 = (0..3).map(|i| now[i] - before[i]).sum();
            if done >= n || Instant::now() > deadline {
                break;
            }
        }
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
    }
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("requests in"))
        .with_context(|| format!("unexpected wrk output:\n{text}"))?;
    // "  12345 requests in 5.02s, 1.23MB read"
    let mut words = line.split_whitespace();
    let requests: f64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let seconds = line
        .split("requests in ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .map(latency_ms)
        .map(|ms| ms / 1000.0)
        .unwrap_or(f64::NAN);
    let pct = |p: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(p))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(latency_ms)
            .unwrap_or(f64::NAN)
    };
    let non_2xx = text
        .lines()
        .find(|l| l.trim_start().starts_with("Non-2xx"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    Ok(Wrk {
        requests,
        seconds,
        non_2xx,
        p50_ms: pct("50%"),
        p99_ms: pct("99%"),
    })
}

fn curl(args: &[&str]) -> Result<String> {
    let out = Command::new("curl").arg("-s").args(args).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `feed_cache_requests_total` as [hit, miss, error].
fn cache_counts(base: &str) -> Result<[u64; 3]> {
    let text = curl(&[
        "-H",
        &format!("x-admin-token: {ADMIN}"),
        &format!("{base}/metrics"),
    ])?;
    let get = |r: &str| {
        let needle = format!("feed_cache_requests_total{{result=\"{r}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&needle))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    Ok([get("hit"), get("miss"), get("error")])
}

struct Bench {
    rt: tokio::runtime::Runtime,
    conn: AsyncPgConnection,
    base: String,
}

impl Bench {
    fn reset_statements(&mut self) -> Result<()> {
        self.rt.block_on(
            diesel::sql_query("SELECT pg_stat_statements_reset()").execute(&mut self.conn),
        )?;
        Ok(())
    }

    fn totals(&mut self) -> Result<Totals> {
        Ok(self
            .rt
            .block_on(diesel::sql_query(TOTALS).get_result(&mut self.conn))?)
    }

    /// Runs `script` and reads what Postgres and the cache did meanwhile.
    fn measure(
        &mut self,
        label: &str,
        script: &Path,
        seconds: u64,
        feed: bool,
        until: Option<u64>,
    ) -> Result<Measured> {
        step(&format!("measuring {label} …"));
        let before = cache_counts(&self.base)?;
        self.reset_statements()?;
        let w = run_wrk(&self.base, script, seconds, until)?;
        let t = self.totals()?;
        let after = cache_counts(&self.base)?;
        let measured = Measured {
            label: label.to_owned(),
            requests: w.requests,
            seconds: w.seconds,
            non_2xx: w.non_2xx,
            p50_ms: w.p50_ms,
            p99_ms: w.p99_ms,
            statements: t.calls as f64,
            pg_ms: t.ms,
            cache: feed.then(|| [0, 1, 2].map(|i| after[i] - before[i])),
        };
        // Each figure as soon as it exists, so a later failure cannot lose it.
        step(&measured.line());
        Ok(measured)
    }
}

fn flush_redis(url: &str) -> Result<()> {
    let ok = Command::new("redis-cli")
        .args(["-u", url, "FLUSHALL"])
        .stdout(Stdio::null())
        .status()
        .context("running redis-cli (apt-get install redis-tools)")?
        .success();
    if !ok {
        bail!("redis-cli FLUSHALL failed; is the bench Redis up?");
    }
    Ok(())
}

/// The plan (EXPLAIN ANALYZE, BUFFERS) of the miss query exactly as the API sends it: the
/// first-page statement on `home_timeline`, taken from `pg_stat_statements` (its binds are
/// `$n`), prepared, and executed for `viewer` with the first page's fetch of 31.
fn explain(database_url: &str, viewer: &str) -> Result<String> {
    let psql = |commands: &[&str]| -> Result<String> {
        let mut cmd = Command::new("psql");
        cmd.args([
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            database_url,
        ]);
        for c in commands {
            cmd.args(["-c", c]);
        }
        let out = cmd.output().context("running psql")?;
        if !out.status.success() {
            bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let statement = psql(&[
        "SELECT query FROM pg_stat_statements WHERE query LIKE '%FROM \"home_timeline\"%' \
          AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 1",
    ])?;
    let statement = statement.trim();
    if statement.is_empty() {
        bail!("the API sent no first-page statement on home_timeline");
    }
    let prepare = format!("PREPARE miss AS {statement}");
    let types = psql(&[
        &prepare,
        "SELECT array_to_string(parameter_types, ',') FROM pg_prepared_statements \
          WHERE name = 'miss'",
    ])?;
    let args: Vec<String> = types
        .trim()
        .split(',')
        .map(|t| match t {
            "uuid" => Ok(format!("'{viewer}'")),
            "timestamp with time zone" => Ok("now()".to_owned()),
            "bigint" | "integer" => Ok("31".to_owned()),
            other => bail!("unexpected parameter type {other} in {statement}"),
        })
        .collect::<Result<_>>()?;
    let plan = psql(&[
        &prepare,
        &format!(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE miss({})",
            args.join(", ")
        ),
    ])?;
    Ok(format!("{statement}\n{plan}"))
}

/// Runs the bench.
pub fn run(args: &[&str]) -> Result<()> {
    let (seconds, hold): (u64, u64) = match args {
        [] => (10, 0),
        ["--seconds", n] => (n.parse().context("--seconds takes a whole number")?, 0),
        ["--hold", n] => (10, n.parse().context("--hold takes a whole number")?),
        _ => bail!("usage: cargo xtask bench feed [--seconds N | --hold SECONDS]"),
    };
    let started = Instant::now();
    ensure_wrk()?;
    let binary = build_release_api()?;
    let services = BenchServices::start()?;
    let rt = tokio::runtime::Runtime::new()?;
    let database_url = services
        .env
        .get("DATABASE_URL")
        .context("DATABASE_URL")?
        .to_owned();
    let redis_url = services
        .env
        .get("REDIS_URL")
        .context("REDIS_URL")?
        .to_owned();
    rt.block_on(ciel_storage::run_pending(&database_url))?;
    let mut conn = rt.block_on(ciel_storage::establish(&database_url))?;
    rt.block_on(
        diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&mut conn),
    )
    .context(
        "pg_stat_statements is not loaded: the bench Postgres needs shared_preload_libraries",
    )?;

    rt.block_on(seed_graph(&mut conn))?;
    rt.block_on(seed_posts(&mut conn, 0, 100_000))?;
    let ids: Vec<IdRow> = rt.block_on(
        diesel::sql_query("SELECT id::text AS id FROM users ORDER BY handle").load(&mut conn),
    )?;

    // Access tokens minted with the API's key (logging 10^4 users in would only measure Argon2).
    let key = |b64: &str| -> Result<[u8; 32]> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64)?;
        bytes.try_into().map_err(|_| anyhow::anyhow!("key length"))
    };
    let tokens_svc = TokenService::new(
        &key(ACCESS_KEY)?,
        &key(REFRESH_KEY)?,
        Duration::from_secs(3 * 3600),
        Duration::from_secs(3600 * 24),
    );
    let now = ciel_domain::ports::Clock::now(&ciel_app::SystemClock);
    let tokens: Vec<(String, String)> = ids
        .iter()
        .map(|r| {
            let user = UserId::from(uuid::Uuid::parse_str(&r.id)?);
            Ok((r.id.clone(), tokens_svc.issue_access(user, now)?.token))
        })
        .collect::<Result<_>>()?;
    let all = tokens.len();
    // Misses of a serving process: the other users' first requests, after the hot users'.
    let cold_lua = lua("feed-cold.lua", "/v1/feed", &tokens, HOT_USERS, true, false)?;
    let miss_lua = lua(
        "feed-miss.lua",
        "/v1/feed",
        &tokens[HOT_USERS..],
        all - HOT_USERS,
        true,
        false,
    )?;
    let warm_lua = lua("feed-warm.lua", "/v1/feed", &tokens, HOT_USERS, true, false)?;
    let hit_lua = lua("feed-hit.lua", "/v1/feed", &tokens, HOT_USERS, false, false)?;
    let trivial_lua = lua("trivial.lua", "/v1/feed", &tokens, all, false, true)?;
    let health_lua = lua("health.lua", "/health", &tokens, all, false, true)?;
    let profile_lua = lua("profile.lua", "/v1/users/{id}", &tokens, all, false, true)?;

    let mut env: BTreeMap<String, String> = services.env.vars.clone();
    for (k, v) in [
        ("APP_MODE", "api"),
        ("S3_ENDPOINT", "http://127.0.0.1:9"),
        ("S3_BUCKET", "bench"),
        ("S3_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
        ("AMQP_URL", "amqp://guest:guest@127.0.0.1:9/%2f"),
        ("PASETO_ACCESS_KEY", ACCESS_KEY),
        ("PASETO_REFRESH_KEY", REFRESH_KEY),
        ("ADMIN_TOKEN", ADMIN),
        ("RUST_LOG", "error"),
        // One load-generating address would otherwise be limited per IP and per user.
        ("RATE_LIMIT_ENABLED", "false"),
    ] {
        env.insert(k.into(), v.into());
    }
    let api = Api::start(&binary, &env)?;
    let mut bench = Bench {
        rt,
        conn,
        base: api.base.clone(),
    };

    if hold > 0 {
        // For profiling by hand: the seeded services and the API stay up this long first.
        step(&format!(
            "holding {hold} s: API at {}, services' variables in {}/env, a token for user {} in target/bench-scripts/hold-token",
            api.base,
            services.dir.display(),
            tokens[1234].0
        ));
        std::fs::write(
            crate::root().join("target/bench-scripts/hold-token"),
            &tokens[1234].1,
        )?;
        std::thread::sleep(Duration::from_secs(hold));
    }
    let mut rows: Vec<Measured> = Vec::new();
    for (stage, posts_to) in [("10^5 posts", 100_000), ("10^6 posts", 1_000_000)] {
        if posts_to > 100_000 {
            bench
                .rt
                .block_on(seed_posts(&mut bench.conn, 100_000, posts_to))?;
        }
        flush_redis(&redis_url)?;
        // The first requests after the load: no post has a card in this process yet (and at
        // the first stage the pool opens its connections). Reported, not the target's figure.
        rows.push(bench.measure(
            &format!("feed miss, {stage}, cold"),
            &cold_lua,
            300,
            true,
            Some(HOT_USERS as u64),
        )?);
        rows.push(bench.measure(
            &format!("feed miss, {stage}"),
            &miss_lua,
            300,
            true,
            Some((all - HOT_USERS) as u64),
        )?);
        step(&format!("warming {HOT_USERS} users' first pages …"));
        run_wrk(&bench.base, &warm_lua, 60, Some(HOT_USERS as u64))?;
        rows.push(bench.measure(&format!("feed hit, {stage}"), &hit_lua, seconds, true, None)?);
    }
    rows.push(bench.measure(
        "trivial JSON (401 of /v1/feed)",
        &trivial_lua,
        seconds,
        false,
        None,
    )?);
    rows.push(bench.measure("GET /health", &health_lua, seconds, false, None)?);
    rows.push(bench.measure("GET /v1/users/{id}", &profile_lua, seconds, false, None)?);

    step("explaining the miss query at 10^6 posts …");
    // One miss through the API, so its statement is in pg_stat_statements (each phase resets it).
    flush_redis(&redis_url)?;
    curl(&[
        "-H",
        &format!("authorization: Bearer {}", tokens[1234].1),
        &format!("{}/v1/feed", bench.base),
    ])?;
    let plan = explain(&database_url, &tokens[1234].0).unwrap_or_else(|err| {
        format!("(no plan: {err:#}; the figures above stand, rerun to get the plan)")
    });
    let elapsed = started.elapsed().as_secs_f64();
    drop(api);
    drop(services);

    let [
        cold5,
        miss5,
        hit5,
        cold6,
        miss6,
        hit6,
        trivial,
        health,
        profile,
    ] = &rows[..]
    else {
        bail!("expected nine measurements");
    };
    println!();
    println!(
        "bench feed: {USERS} users × {FOLLOWS} follows, {CONNECTIONS} connections, {THREADS} wrk threads, \
         release build, rate limits off, {seconds} s per timed phase (misses: each user once)"
    );
    for m in &rows {
        println!("{}", m.line());
    }
    let _ = (cold5, cold6, hit5, health, profile);
    let miss_growth = miss6.p99_ms / miss5.p99_ms;
    let hit_ratio = hit6.per_sec() / trivial.per_sec();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("  targets:");
    println!(
        "    miss p99 at 10^6 posts            {:>7.2} ms   (≤ 50 ms)            {}",
        miss6.p99_ms,
        verdict(miss6.p99_ms <= 50.0)
    );
    println!(
        "    miss p99 10^6 / 10^5               {miss_growth:>7.2}×     (≤ 1.20×)            {}",
        verdict(miss_growth <= 1.2)
    );
    println!(
        "    hit req/s / trivial req/s          {hit_ratio:>7.2}×     (≥ 0.40×)            {}",
        verdict(hit_ratio >= 0.4)
    );
    println!("  whole bench: {elapsed:.0} s");
    println!();
    println!(
        "plan of the miss query (the first-page statement on home_timeline, 10^6 posts, fetch 30 + 1):"
    );
    println!("{plan}");
    Ok(())
}
