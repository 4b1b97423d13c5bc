//! Telemetry as operators see it, through the runtime's own subscriber (this test binary
//! installs it once, with an in-memory span exporter and a captured log writer):
//!
//! - one trace follows an upload from the `complete` request, through the job outbox row and
//!   the AMQP message headers, into the worker's `media_job` span;
//! - a client's well-formed W3C `traceparent`/`tracestate` make that trace start at the
//!   client; a malformed or oversized one is ignored;
//! - every log line of a request carries its request id.

use ciel_runtime::config::LogFormat;
use ciel_testkit::{TestApp, TestUser};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use reqwest::Method;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Finished spans, kept in memory.
#[derive(Clone, Debug, Default)]
struct Spans(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Spans {
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        self.0.lock().unwrap().extend(batch);
        std::future::ready(Ok(()))
    }
}

/// Log output, kept in memory.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for Lines {
    type Writer = Lines;
    fn make_writer(&'w self) -> Lines {
        self.clone()
    }
}

struct Telemetry {
    spans: Spans,
    lines: Lines,
    provider: SdkTracerProvider,
}

/// Installs the runtime's subscriber once for this process (JSON logs at `info`).
fn telemetry() -> &'static Telemetry {
    static INSTALLED: OnceLock<Telemetry> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let spans = Spans::default();
        let lines = Lines::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(spans.clone())
            .build();
        let guard = ciel_runtime::telemetry::install(
            "info",
            LogFormat::Json,
            "ciel-test",
            Some(provider.clone()),
            lines.clone(),
        )
        .expect("telemetry");
        // Kept for the whole process: dropping it would shut the provider down.
        std::mem::forget(guard);
        Telemetry {
            spans,
            lines,
            provider,
        }
    })
}

impl Telemetry {
    /// Every span finished so far, after flushing the exporter.
    fn finished_spans(&self) -> Vec<SpanData> {
        self.provider.force_flush().unwrap();
        self.spans.0.lock().unwrap().clone()
    }
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.as_str().into_owned())
}

/// The span called `name` whose attribute `key` is `value`.
fn span<'s>(spans: &'s [SpanData], name: &str, key: &str, value: &str) -> &'s SpanData {
    spans
        .iter()
        .find(|s| s.name == name && attribute(s, key).as_deref() == Some(value))
        .unwrap_or_else(|| panic!("no {name} span with {key} = {value}"))
}

/// Polls the upload's status until the worker has completed it (30 s at most).
async fn wait_until_completed(app: &TestApp, user: &TestUser, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = app
            .as_user(user, Method::GET, &format!("/v1/media/upload/{id}/status"))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        if body["status"] == "completed" {
            return;
        }
        assert!(Instant::now() < deadline, "still {body} after 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn upload(app: &TestApp, user: &TestUser) -> String {
    let photo = ciel_testkit::images::png(32, 24);
    let res = app
        .as_user(user, Method::POST, "/v1/media/upload")
        .json(&json!({"content_type": "image/png", "bytes": photo.len()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let intent: Value = res.json().await.unwrap();
    let mut put = app.client.put(intent["upload_url"].as_str().unwrap());
    for h in intent["headers"].as_array().unwrap() {
        put = put.header(h["name"].as_str().unwrap(), h["value"].as_str().unwrap());
    }
    assert!(put.body(photo).send().await.unwrap().status().is_success());
    intent["upload_id"].as_str().unwrap().to_owned()
}

/// The `complete` request of upload `id`, ready for more headers.
fn complete(app: &TestApp, user: &TestUser, id: &str) -> reqwest::RequestBuilder {
    app.as_user(
        user,
        Method::POST,
        &format!("/v1/media/upload/{id}/complete"),
    )
}

#[derive(diesel::QueryableByName)]
struct Context {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    trace_context: Option<String>,
}

#[tokio::test]
async fn one_trace_follows_an_upload_from_complete_through_the_queue_into_the_worker() {
    let t = telemetry();
    let app = TestApp::builder()
        .media()
        .images(Arc::new(ciel_media::ImagePipeline::default()))
        .broker_proxy()
        .spawn()
        .await;
    let user = app.user("traced").await;
    let id = upload(&app, &user).await;

    // With the broker away, the job waits in the outbox, holding the request's context.
    let broker = app.broker_proxy.as_ref().unwrap();
    broker.cut();
    let res = complete(&app, &user, &id)
        .header("x-request-id", "complete-trace-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let mut conn = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    let rows: Vec<Context> = diesel::sql_query("SELECT trace_context FROM job_outbox")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the job is in the outbox");
    let stored = rows[0].trace_context.clone().expect("a stored traceparent");

    // The broker returns: the relay publishes, the consumer runs the job.
    broker.restore();
    wait_until_completed(&app, &user, &id).await;
    let spans = t.finished_spans();
    let request = span(&spans, "request", "request_id", "complete-trace-1");
    let trace: TraceId = request.span_context.trace_id();
    let request_span: SpanId = request.span_context.span_id();
    assert_eq!(stored, format!("00-{trace}-{request_span}-01"));

    let job = span(&spans, "media_job", "upload_id", &id);
    assert_eq!(
        job.span_context.trace_id(),
        trace,
        "the job continues the request's trace"
    );
    assert_eq!(
        job.parent_span_id, request_span,
        "the job span is the request span's child"
    );
    assert!(
        job.parent_span_is_remote,
        "the parent came through the message headers"
    );
}

#[tokio::test]
async fn every_log_line_of_a_request_carries_its_request_id() {
    let t = telemetry();
    // Redis is down: the health handler logs a warning inside the request, then the edge logs
    // the request line.
    let app = TestApp::builder()
        .env("REDIS_URL", "redis://127.0.0.1:1/")
        .spawn()
        .await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "log-line-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let text = String::from_utf8(t.lines.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .collect();
    // The handler's warning (only this test's requests see Redis down) and the /health
    // request lines, wherever they were logged from.
    let of_request: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            let message = l["fields"]["message"].as_str().unwrap_or("");
            message == "health: cache ping failed"
                || (message == "request finished" && l["fields"]["route"] == "/health")
        })
        .collect();
    assert!(of_request.len() >= 2, "{text}");
    for line in &of_request {
        assert_eq!(line["spans"][0]["request_id"], "log-line-42", "{line}");
        assert_eq!(line["spans"][0]["name"], "request");
    }
    let messages: Vec<&str> = of_request
        .iter()
        .filter_map(|l| l["fields"]["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"health: cache ping failed"),
        "{messages:?}"
    );
    assert!(messages.contains(&"request finished"), "{messages:?}");
}

#[tokio::test]
async fn a_clients_traceparent_starts_the_uploads_trace_and_the_worker_continues_it() {
    let t = telemetry();
    let app = TestApp::builder()
        .media()
        .images(Arc::new(ciel_media::ImagePipeline::default()))
        .spawn()
        .await;
    let user = app.user("clienttraced").await;
    let id = upload(&app, &user).await;
    // A trace and a parent span of this run's own, as the client's tracer would make them.
    let client_trace = TraceId::from_bytes(uuid::Uuid::new_v4().into_bytes());
    let client_span =
        SpanId::from_bytes(uuid::Uuid::new_v4().into_bytes()[..8].try_into().unwrap());
    let res = complete(&app, &user, &id)
        .header("x-request-id", "client-trace-1")
        .header("traceparent", format!("00-{client_trace}-{client_span}-01"))
        .header("tracestate", "ciel=client,vendor=a1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    wait_until_completed(&app, &user, &id).await;

    let spans = t.finished_spans();
    let request = span(&spans, "request", "request_id", "client-trace-1");
    assert_eq!(
        request.span_context.trace_id(),
        client_trace,
        "the request span is in the client's trace"
    );
    assert_eq!(
        request.parent_span_id, client_span,
        "a child of the client's span"
    );
    assert!(request.parent_span_is_remote);
    assert_eq!(
        request.span_context.trace_state().header(),
        "ciel=client,vendor=a1",
        "tracestate is carried on"
    );
    let job = span(&spans, "media_job", "upload_id", &id);
    assert_eq!(
        job.span_context.trace_id(),
        client_trace,
        "the worker's job is in the client's trace"
    );
    assert_eq!(job.parent_span_id, request.span_context.span_id());
}

#[tokio::test]
async fn a_malformed_or_oversized_traceparent_is_ignored_and_never_an_error() {
    let t = telemetry();
    let app = TestApp::spawn().await;
    let sent = "4bf92f3577b34da6a3ce929d0e0e4736";
    let valid = format!("00-{sent}-00f067aa0ba902b7-01");
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("tp-upper", vec![("traceparent", valid.to_uppercase())]),
        ("tp-short", vec![("traceparent", valid[..54].to_owned())]),
        ("tp-trailing", vec![("traceparent", format!("{valid}-"))]),
        (
            "tp-version-ff",
            vec![("traceparent", format!("ff{}", &valid[2..]))],
        ),
        (
            "tp-zero-parent",
            vec![("traceparent", format!("00-{sent}-0000000000000000-01"))],
        ),
        (
            "tp-oversized",
            vec![(
                "traceparent",
                format!("01{}-{}", &valid[2..], "a".repeat(300)),
            )],
        ),
        (
            "tp-twice",
            vec![
                ("traceparent", valid.clone()),
                ("traceparent", valid.clone()),
            ],
        ),
    ];
    for (request_id, headers) in &cases {
        let mut req = app
            .client
            .get(app.url("/ready"))
            .header("x-request-id", *request_id);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "{request_id}");
    }
    // A well-formed traceparent with an oversized tracestate: the trace continues, the state
    // is dropped.
    let res = app
        .client
        .get(app.url("/ready"))
        .header("x-request-id", "ts-oversized")
        .header("traceparent", &valid)
        .header("tracestate", format!("k={}", "v".repeat(600)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A well-formed traceparent that is not sampled: the caller's decision holds.
    let res = app
        .client
        .get(app.url("/ready"))
        .header("x-request-id", "tp-unsampled")
        .header("traceparent", format!("00-{sent}-00f067aa0ba902b7-00"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let spans = t.finished_spans();
    assert!(
        !spans
            .iter()
            .any(|s| attribute(s, "request_id").as_deref() == Some("tp-unsampled")),
        "an unsampled caller's request was exported"
    );
    for (request_id, _) in &cases {
        let request = span(&spans, "request", "request_id", request_id);
        assert_ne!(
            request.span_context.trace_id().to_string(),
            sent,
            "{request_id} continued the sent trace"
        );
        assert_eq!(
            request.parent_span_id,
            SpanId::INVALID,
            "{request_id} has a parent"
        );
    }
    let kept = span(&spans, "request", "request_id", "ts-oversized");
    assert_eq!(kept.span_context.trace_id().to_string(), sent);
    assert_eq!(kept.span_context.trace_state().header(), "");
}
