//! The error answers every operation shares, added from facts the annotations already state:
//! a `{id}` path parameter (400 `invalid id`), page or search parameters (400), a JSON body
//! (400, 408, 413, 415, 422), bearer authentication (401, 429), the admin token (403, 429), and 500
//! and 503 everywhere the handler can meet an internal failure or an exhausted pool. Each
//! extractor answers exactly these (see `crate::extract`), so the rules describe the code.
//! Then every 4xx/5xx response gets the contract's error body (`Error`) and its headers.

use crate::error::ErrorBody;
use utoipa::PartialSchema;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Type};

/// Operations that never wait for the database or the password pool: no 503.
const NEVER_UNAVAILABLE: [&str; 3] = ["/health", "/openapi.json", "/metrics"];

/// Completes every operation of `doc` with the shared error answers and the error body.
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.insert(
        "Error".to_owned(),
        <ErrorBody<'static> as PartialSchema>::schema(),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            add_shared_errors(path, op);
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    describe_error(status, response);
                }
            }
        }
    }
}

/// The names of the security schemes of each alternative requirement of `op`.
fn security_alternatives(op: &Operation) -> Vec<Vec<String>> {
    let value = serde_json::to_value(&op.security).unwrap_or_default();
    value
        .as_array()
        .map(|alternatives| {
            alternatives
                .iter()
                .map(|req| {
                    req.as_object()
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn add_shared_errors(path: &str, op: &mut Operation) {
    let params: Vec<(ParameterIn, String)> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some((p.parameter_in.clone(), p.name.clone())),
            RefOr::Ref(_) => None,
        })
        .collect();
    let alternatives = security_alternatives(op);
    let bearer_required = !alternatives.is_empty()
        && alternatives
            .iter()
            .all(|alt| alt.iter().any(|s| s == "bearer"));
    let admin = alternatives
        .iter()
        .any(|alt| alt.iter().any(|s| s == "admin_token"));

    let mut add = |status: u16, text: &str| {
        let entry = op
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(String::new())));
        if let RefOr::T(response) = entry
            && !response.description.contains(text)
        {
            if !response.description.is_empty() {
                response.description.push_str("; ");
            }
            response.description.push_str(text);
        }
    };
    if params.iter().any(|(at, _)| *at == ParameterIn::Path) {
        add(400, "a path id that is not a UUID (`invalid id`)");
    }
    if params.iter().any(|(at, _)| *at == ParameterIn::Query) {
        add(
            400,
            "a query string that does not parse, a `limit` outside 1–200 or a malformed `cursor`",
        );
    }
    if op.request_body.is_some() {
        add(400, "a body that is not JSON");
        add(
            408,
            "a body not received within 30 s (`request body not received in time`; the connection is then closed)",
        );
        add(413, "a body over 10 MiB");
        add(415, "a body whose `Content-Type` is not `application/json`");
        add(
            422,
            "JSON of the wrong shape (a missing field or a wrong type)",
        );
    }
    if bearer_required {
        add(
            401,
            "the bearer token is missing, malformed or expired, or its user is deleted or banned",
        );
        add(429, "rate limited (contract §4)");
    }
    if admin {
        add(
            403,
            "`admin token not configured`, `missing admin token` or `invalid admin token`",
        );
        add(
            429,
            "too many wrong admin tokens from this address (10 per hour)",
        );
    }
    add(500, "`internal server error`");
    if !NEVER_UNAVAILABLE.contains(&path) {
        add(
            503,
            "temporarily overloaded (database pool or password hashing); retry after `Retry-After`",
        );
    }
}

/// Gives an error response the contract's body and, for 429 and 503, its headers.
fn describe_error(status: &str, response: &mut Response) {
    let code: u16 = status.parse().unwrap_or(0);
    if code < 400 {
        return;
    }
    if response.content.is_empty() {
        response.content.insert(
            "application/json".to_owned(),
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Error")))
                .build()
                .into(),
        );
    }
    let integer = || {
        HeaderBuilder::new().schema(Some(
            utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer),
        ))
    };
    if code == 429 || code == 503 {
        response.headers.entry("Retry-After".to_owned()).or_insert(
            integer()
                .description(Some("Seconds to wait before retrying"))
                .build()
                .into(),
        );
    }
    if code == 429 {
        response
            .headers
            .entry("X-RateLimit-Limit".to_owned())
            .or_insert(integer().description(Some("The limit hit")).build().into());
        response
            .headers
            .entry("X-RateLimit-Remaining".to_owned())
            .or_insert(integer().description(Some("Always 0")).build().into());
    }
}
