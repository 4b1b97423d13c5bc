//! The outer middleware: request id, one log line per request, metrics, client IP, HTTPS
//! enforcement behind proxies, security headers, and JSON bodies for every error. The request
//! span continues the caller's W3C trace (`trace_parent`).

use crate::app::BODY_LIMIT_BYTES;
use crate::error::json_error_response;
use crate::middleware::client_ip::{self, ClientIp};
use crate::middleware::headers;
use crate::middleware::route;
use crate::middleware::trace_parent;
use crate::state::HttpState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{ConnectionType, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use std::time::Instant;
use tracing::Instrument;

/// `x-request-id`.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, echoed from the client or generated; in request extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A client-supplied request id is echoed only if it is short and printable.
fn acceptable_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The outer middleware; see the module docs.
pub async fn edge(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<HttpState>>().cloned();
    let request_id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(acceptable_request_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));

    // The connection's own Host (HTTP/1) or authority (HTTP/2), never `X-Forwarded-Host` or
    // `Forwarded`: a client must not switch HSTS and HTTPS enforcement off.
    let host = header_str(req.headers(), &header::HOST)
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
        .unwrap_or_default();
    let local_host = client_ip::is_local_host(&host);
    let method = req.method().clone();
    let matched = route::resolve(&req);
    req.extensions_mut().insert(matched.clone());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        path = %req.path(),
    );
    trace_parent::continue_trace(&span, req.headers());

    let trusted = state
        .as_ref()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or(&[]);
    let peer = req.peer_addr().map(|a| a.ip());
    let mut insecure_via_proxy = false;
    if let Some(peer) = peer {
        let ip = client_ip::resolve_client_ip(
            peer,
            req.headers()
                .get_all(HeaderName::from_static("x-forwarded-for"))
                .filter_map(|v| v.to_str().ok()),
            trusted,
        );
        req.extensions_mut().insert(ClientIp(ip));
        if client_ip::peer_is_trusted(peer, trusted) {
            let scheme = client_ip::forwarded_scheme(header_str(
                req.headers(),
                &HeaderName::from_static("x-forwarded-proto"),
            ));
            insecure_via_proxy = scheme == "http" && !local_host;
        }
    }

    let declared_len =
        header_str(req.headers(), &header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    let is_preflight =
        method == Method::OPTIONS && req.headers().contains_key("access-control-request-method");

    let mut res: ServiceResponse<BoxBody> = if insecure_via_proxy {
        // HTTPS enforcement answers 403 with an empty body (contract §1.1).
        req.into_response(HttpResponse::Forbidden().finish())
    } else if declared_len.is_some_and(|n| n > BODY_LIMIT_BYTES as u64) {
        req.into_response(json_error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large",
        ))
    } else if is_preflight {
        // Mobile-only API: preflights learn the allowed methods and headers but no origin is
        // ever allowed, so browsers refuse cross-origin calls.
        req.into_response(
            HttpResponse::NoContent()
                .insert_header((
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    "GET, POST, PATCH, DELETE, OPTIONS",
                ))
                .insert_header((
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "Authorization, Content-Type",
                ))
                .finish(),
        )
    } else {
        // Handlers and extractors turn their errors into responses; only a middleware inside
        // this one could return `Err`, and none does. (The request cannot be kept to build a
        // response here: routing needs it unshared.)
        let res = next.call(req).instrument(span.clone()).await?;
        let mut res = ensure_json_error_body(res.map_into_boxed_body());
        if res.status() == StatusCode::REQUEST_TIMEOUT {
            // The body did not arrive in time: do not keep draining it on this connection.
            res.response_mut()
                .head_mut()
                .set_connection_type(ConnectionType::Close);
        }
        res
    };

    let served_by = state
        .as_ref()
        .and_then(|s| HeaderValue::from_str(&s.settings.served_by).ok())
        .unwrap_or_else(|| HeaderValue::from_static("rust"));
    let response_headers = res.headers_mut();
    headers::apply(response_headers, local_host, &served_by);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response_headers.insert(X_REQUEST_ID, value);
    }

    let status = res.status();
    let route = matched.label();
    let elapsed = started.elapsed();
    if let Some(state) = &state {
        state.metrics.observe(
            route::method_label(&method),
            route,
            status.as_u16(),
            elapsed.as_secs_f64(),
        );
    }
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            route = %route,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    Ok(res)
}

/// Gives every error response without a JSON body the contract's `{"error", "message"}` body,
/// keeping its status and headers (e.g. `Allow` on 405, `Retry-After`). Empty 403s from HTTPS
/// enforcement never reach this function.
fn ensure_json_error_body(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let message = match status {
        StatusCode::NOT_FOUND => "not found".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed".to_owned(),
        s if s.is_server_error() => crate::error::INTERNAL_MESSAGE.to_owned(),
        s => s
            .canonical_reason()
            .unwrap_or("request failed")
            .to_ascii_lowercase(),
    };
    let (req, old) = res.into_parts();
    let mut fresh = json_error_response(status, &message);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && name != header::CONTENT_ENCODING
        {
            fresh.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, fresh)
}
