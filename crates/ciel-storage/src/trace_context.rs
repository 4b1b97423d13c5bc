//! The current span's W3C `traceparent`, stored with an outbox row so that the job published
//! later (by the relay, outside the request) continues the request's trace. `None` without an
//! OpenTelemetry layer (tracing off) or outside any span.

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use std::collections::HashMap;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The current span's `traceparent` value, if it belongs to an OpenTelemetry trace.
pub(crate) fn current_traceparent() -> Option<String> {
    let cx = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&cx, &mut carrier);
    carrier.remove("traceparent")
}
