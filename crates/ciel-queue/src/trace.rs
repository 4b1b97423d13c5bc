//! W3C trace context in AMQP headers: a published job carries `traceparent` (the request that
//! enqueued it, or the publisher's current span), and the consumer runs the job in a
//! `media_job` span that continues that trace — so one trace follows an upload from the API
//! request through the queue into the worker. Without an OpenTelemetry layer there is no
//! context: nothing is written and spans have no remote parent.

use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use std::collections::HashMap;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The W3C header carrying the parent span.
pub const TRACEPARENT: &str = "traceparent";

/// The current span's `traceparent`, when it belongs to a sampled OpenTelemetry trace.
pub fn current_traceparent() -> Option<String> {
    let cx = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&cx, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// `properties` with a `traceparent` header: `traceparent` if given, else the current span's
/// (unchanged when there is neither).
pub fn with_traceparent(properties: BasicProperties, traceparent: Option<&str>) -> BasicProperties {
    let Some(value) = traceparent.map(str::to_owned).or_else(current_traceparent) else {
        return properties;
    };
    let mut headers = properties.headers().clone().unwrap_or_default();
    headers.insert(TRACEPARENT.into(), AMQPValue::LongString(value.into()));
    properties.with_headers(headers)
}

/// The `traceparent` header of a delivery, if any.
pub fn traceparent_of(properties: &BasicProperties) -> Option<String> {
    let headers: &FieldTable = properties.headers().as_ref()?;
    match headers.inner().get(TRACEPARENT)? {
        AMQPValue::LongString(s) => Some(s.to_string()),
        AMQPValue::ShortString(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The span a job runs in: `media_job`, a child of the delivery's `traceparent` when it has
/// one (the trace of the request that enqueued the job).
pub fn job_span(properties: &BasicProperties, upload_id: &str, attempt: u32) -> tracing::Span {
    let span = tracing::info_span!("media_job", %upload_id, attempt);
    if let Some(traceparent) = traceparent_of(properties) {
        let carrier = HashMap::from([(TRACEPARENT.to_owned(), traceparent)]);
        let parent = TraceContextPropagator::new().extract(&carrier);
        // Fails only without an OpenTelemetry layer, where there is nothing to continue.
        let _ = span.set_parent(parent);
    }
    span
}
