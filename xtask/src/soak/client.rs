//! The load generator's HTTP client: every request is timed, tagged with its phase and judged —
//! a 2xx or a status the caller expects is fine; a gateway error (no `X-Ciel-Served-By`, i.e.
//! nginx answered) or a transport error is tolerated only for a request sent or answered while an
//! API instance is being killed;
//! a 503 from the API is load shedding (counted, tolerated); anything else is unexpected and fails
//! the run.

use super::phase::PhaseClock;
use anyhow::Result;
use reqwest::{Method, RequestBuilder};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The phase in which a killed API instance may cost in-flight requests (502/504 from nginx).
pub const KILL_PHASE: &str = "kill";

/// One request as measured.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Phase when sent.
    pub phase: &'static str,
    /// Operation name (`signup`, `like`, …).
    pub op: &'static str,
    /// HTTP status, 0 for a transport error.
    pub status: u16,
    /// `X-Ciel-Served-By` of the answer, when the API answered.
    pub served_by: Option<String>,
    /// Latency in milliseconds.
    pub ms: f64,
    /// Whether the judgement was "unexpected".
    pub unexpected: bool,
}

/// One unexpected answer, for the report.
#[derive(Clone, Debug)]
pub struct Unexpected {
    /// Phase when sent.
    pub phase: &'static str,
    /// Operation.
    pub op: &'static str,
    /// Status (0: transport error).
    pub status: u16,
    /// Start of the body, or the transport error.
    pub detail: String,
}

/// Everything measured, shared by all clients.
#[derive(Default)]
pub struct Stats {
    samples: Mutex<Vec<Sample>>,
    unexpected: Mutex<Vec<Unexpected>>,
}

impl Stats {
    fn record(&self, sample: Sample, detail: Option<String>) {
        if sample.unexpected {
            lock(&self.unexpected).push(Unexpected {
                phase: sample.phase,
                op: sample.op,
                status: sample.status,
                detail: detail.unwrap_or_default(),
            });
        }
        lock(&self.samples).push(sample);
    }

    /// A copy of every sample so far.
    pub fn samples(&self) -> Vec<Sample> {
        lock(&self.samples).clone()
    }

    /// Number of requests so far.
    pub fn count(&self) -> usize {
        lock(&self.samples).len()
    }

    /// The unexpected answers so far.
    pub fn unexpected(&self) -> Vec<Unexpected> {
        lock(&self.unexpected).clone()
    }

    /// How many answers were unexpected.
    pub fn unexpected_count(&self) -> usize {
        lock(&self.unexpected).len()
    }
}

/// Locks, ignoring poisoning (a panicked client must not hide the others' numbers).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An answer.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// Which API instance answered.
    pub served_by: Option<String>,
}

impl Reply {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The shared client (cheap to clone).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    admin_token: String,
    phases: PhaseClock,
    stats: Arc<Stats>,
}

impl Client {
    /// A client for the nginx front at `base` (`http://127.0.0.1:PORT`).
    pub fn new(
        base: String,
        admin_token: String,
        phases: PhaseClock,
        stats: Arc<Stats>,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(16)
            .build()?;
        Ok(Self {
            http,
            base,
            admin_token,
            phases,
            stats,
        })
    }

    /// A request to `path` (under the front) from the client address `ip` (sent as
    /// `X-Forwarded-For`, which nginx extends and the APIs trust).
    pub fn api(&self, method: Method, path: &str, ip: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("x-forwarded-for", ip)
    }

    /// An admin request.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.api(method, path, "10.255.255.1")
            .header("x-admin-token", &self.admin_token)
    }

    /// A request to any URL (the presigned S3 PUT).
    pub fn raw(&self, method: Method, url: &str) -> RequestBuilder {
        self.http.request(method, url)
    }

    /// Sends once, records and judges; `None` on a transport error.
    pub async fn send(
        &self,
        op: &'static str,
        req: RequestBuilder,
        expected: &[u16],
    ) -> Option<Reply> {
        let phase = self.phases.current();
        let started = Instant::now();
        let result = req.send().await;
        let (reply, detail) = match result {
            Ok(res) => {
                let status = res.status().as_u16();
                let served_by = res
                    .headers()
                    .get("x-ciel-served-by")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                match res.bytes().await {
                    Ok(body) => (
                        Some(Reply {
                            status,
                            body: body.to_vec(),
                            served_by,
                        }),
                        None,
                    ),
                    Err(e) => (None, Some(format!("reading the body: {e}"))),
                }
            }
            Err(e) => (None, Some(format!("{e}"))),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let (status, served_by) = reply
            .as_ref()
            .map_or((0, None), |r| (r.status, r.served_by.clone()));
        // A request in flight when an instance is killed may be lost with it: judged by the
        // phase at either end of its life (it is reported under the phase it was sent in).
        let ended = self.phases.current();
        let unexpected = !acceptable(phase, status, served_by.is_some(), expected)
            && !acceptable(ended, status, served_by.is_some(), expected);
        let detail = detail.or_else(|| {
            reply
                .as_ref()
                .map(|r| String::from_utf8_lossy(&r.body).chars().take(200).collect())
        });
        self.stats.record(
            Sample {
                phase,
                op,
                status,
                served_by,
                ms,
                unexpected,
            },
            detail,
        );
        reply
    }

    /// Sends up to `attempts` times while the answer is a transport error, a gateway error or a
    /// 503 (for idempotent requests only), 300 ms apart.
    pub async fn send_retrying(
        &self,
        op: &'static str,
        req: RequestBuilder,
        expected: &[u16],
        attempts: u32,
    ) -> Option<Reply> {
        let mut left = attempts.max(1);
        loop {
            left -= 1;
            let Some(this) = req.try_clone() else {
                return self.send(op, req, expected).await;
            };
            let reply = self.send(op, this, expected).await;
            let retry = match &reply {
                None => true,
                Some(r) => matches!(r.status, 502..=504),
            };
            if !retry || left == 0 {
                return reply;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

/// The judgement described in the module doc.
fn acceptable(phase: &str, status: u16, from_api: bool, expected: &[u16]) -> bool {
    if (200..300).contains(&status) || expected.contains(&status) {
        return true;
    }
    if status == 503 && from_api {
        return true; // load shedding (password pool busy), with Retry-After
    }
    let gateway = status == 0 || (!from_api && matches!(status, 502..=504));
    gateway && phase == KILL_PHASE
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn gateway_errors_are_tolerated_only_while_an_instance_is_killed() {
        assert!(acceptable("kill", 502, false, &[]));
        assert!(acceptable("kill", 0, false, &[]));
        assert!(!acceptable("steady", 502, false, &[]));
        assert!(!acceptable("redis-down", 0, false, &[]));
        assert!(!acceptable("kill", 500, true, &[]));
        assert!(!acceptable("kill", 502, true, &[]));
        assert!(acceptable("steady", 503, true, &[]));
        assert!(acceptable("steady", 404, true, &[404]));
        assert!(!acceptable("steady", 404, true, &[]));
    }
}
