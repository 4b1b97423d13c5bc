//! Continues a caller's W3C trace: a well-formed `traceparent` (with its `tracestate`) makes
//! the request span a child of the caller's span, so the trace that follows an upload through
//! the outbox and the queue into the worker starts at the client. A missing, malformed or
//! oversized header is ignored — the request gets a trace of its own, never an error.
//!
//! Cost: without a `traceparent` header, one header lookup. With one, a check of at most
//! [`MAX_TRACEPARENT_BYTES`] bytes without allocating, and nothing more when no OpenTelemetry
//! layer is installed (`OTEL_EXPORTER_OTLP_ENDPOINT` unset): `tracestate` is read only when
//! there is a span to give it to.

use actix_web::http::header::{HeaderMap, HeaderName};
use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use std::str::FromStr;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// `traceparent`.
const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
/// `tracestate`.
const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// A longer `traceparent` is ignored (version 00 is 55 bytes; later versions may append
/// fields, which are not read).
pub const MAX_TRACEPARENT_BYTES: usize = 256;
/// A longer `tracestate` (all its header lines joined) is dropped while the trace is still
/// continued; W3C asks to propagate at least 512 bytes.
pub const MAX_TRACESTATE_BYTES: usize = 512;

/// Makes `span` (just created, not yet entered) continue the trace named by `headers`, if they
/// carry a well-formed `traceparent`.
pub fn continue_trace(span: &tracing::Span, headers: &HeaderMap) {
    let mut lines = headers.get_all(TRACEPARENT);
    let Some(first) = lines.next() else {
        return;
    };
    if lines.next().is_some() {
        // Two `traceparent` lines name no single parent.
        return;
    }
    let Some(parent) = first.to_str().ok().and_then(parse_traceparent) else {
        return;
    };
    // Without an OpenTelemetry layer the span has no context to set: stop before `tracestate`.
    if span
        .set_parent(Context::new().with_remote_span_context(parent.clone()))
        .is_err()
    {
        return;
    }
    if let Some(state) = trace_state(headers) {
        let _ = span.set_parent(Context::new().with_remote_span_context(SpanContext::new(
            parent.trace_id(),
            parent.span_id(),
            parent.trace_flags(),
            true,
            state,
        )));
    }
}

/// The parent a `traceparent` value names (W3C Trace Context, level 1), or `None` when it is
/// not well-formed: two lowercase hex digits of version (not `ff`), a 32-digit trace id and a
/// 16-digit parent id (neither all zeros), two digits of flags; version 00 is exactly that,
/// a later version may carry more after a `-`. Only the `sampled` flag is kept.
pub fn parse_traceparent(value: &str) -> Option<SpanContext> {
    let b = value.as_bytes();
    if b.len() < 55 || b.len() > MAX_TRACEPARENT_BYTES {
        return None;
    }
    let hex = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
    };
    let dashes = b[2] == b'-' && b[35] == b'-' && b[52] == b'-';
    if !dashes || !hex(0..2) || !hex(3..35) || !hex(36..52) || !hex(53..55) {
        return None;
    }
    match &value[..2] {
        "ff" => return None,
        "00" if b.len() != 55 => return None,
        _ if b.len() > 55 && b[55] != b'-' => return None,
        _ => {}
    }
    let trace_id = TraceId::from_hex(&value[3..35]).ok()?;
    let span_id = SpanId::from_hex(&value[36..52]).ok()?;
    if trace_id == TraceId::INVALID || span_id == SpanId::INVALID {
        return None;
    }
    let flags = u8::from_str_radix(&value[53..55], 16).ok()?;
    Some(SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::new(flags) & TraceFlags::SAMPLED,
        true,
        TraceState::NONE,
    ))
}

/// The `tracestate` lines joined with `,` (as HTTP combines repeated fields), when they are
/// within [`MAX_TRACESTATE_BYTES`] and parse as a W3C list; otherwise none.
fn trace_state(headers: &HeaderMap) -> Option<TraceState> {
    let mut joined = String::new();
    for line in headers.get_all(TRACESTATE) {
        let line = line.to_str().ok()?;
        if !joined.is_empty() {
            joined.push(',');
        }
        joined.push_str(line);
        if joined.len() > MAX_TRACESTATE_BYTES {
            return None;
        }
    }
    let joined = joined.trim();
    if joined.is_empty() {
        return None;
    }
    TraceState::from_str(joined).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_well_formed_traceparent_names_its_parent() {
        let cx = parse_traceparent(VALID).expect("valid");
        assert_eq!(
            cx.trace_id(),
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
        );
        assert_eq!(cx.span_id(), SpanId::from_hex("00f067aa0ba902b7").unwrap());
        assert!(cx.is_sampled());
        assert!(cx.is_remote());
        let unsampled = parse_traceparent(&VALID.replace("-01", "-00")).unwrap();
        assert!(!unsampled.is_sampled());
        // Unknown flags are accepted and cleared.
        let other = parse_traceparent(&VALID.replace("-01", "-09")).unwrap();
        assert_eq!(other.trace_flags(), TraceFlags::SAMPLED);
    }

    #[test]
    fn a_later_version_may_carry_more_fields() {
        let v1 = format!("01{}-extra", &VALID[2..]);
        assert!(parse_traceparent(&v1).is_some());
        assert!(parse_traceparent(&format!("01{}", &VALID[2..])).is_some());
        assert!(parse_traceparent(&format!("01{}x", &VALID[2..])).is_none());
    }

    #[test]
    fn malformed_or_oversized_values_are_ignored() {
        let long_v1 = format!("01{}-{}", &VALID[2..], "a".repeat(MAX_TRACEPARENT_BYTES));
        for bad in [
            "",
            "garbage",
            &VALID[..54],
            &format!("{VALID}-"),
            &format!("{VALID} "),
            &VALID.to_uppercase(),
            &VALID.replace("4bf9", "4BF9"),
            &format!("ff{}", &VALID[2..]),
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
            "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902é-01",
            &long_v1,
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad:?} was accepted");
        }
    }

    fn headers(lines: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in lines {
            map.append(
                HeaderName::from_static(name),
                actix_web::http::header::HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn tracestate_lines_are_joined_and_bounded() {
        let state = trace_state(&headers(&[
            ("tracestate", "congo=t61rcWkgMzE"),
            ("tracestate", "rojo=00f067aa0ba902b7"),
        ]))
        .expect("two members");
        assert_eq!(state.header(), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assert!(trace_state(&headers(&[])).is_none());
        assert!(trace_state(&headers(&[("tracestate", "not a list")])).is_none());
        let big = format!("k={}", "v".repeat(MAX_TRACESTATE_BYTES));
        assert!(trace_state(&headers(&[("tracestate", &big)])).is_none());
    }

    #[test]
    fn without_an_opentelemetry_layer_nothing_is_set() {
        // No subscriber in this test process: the span is disabled and keeps no parent.
        let span = tracing::info_span!("request");
        continue_trace(&span, &headers(&[("traceparent", VALID)]));
        assert!(!span.context().span().span_context().is_valid());
    }
}
