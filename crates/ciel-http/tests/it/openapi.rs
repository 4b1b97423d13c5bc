//! The OpenAPI document against the router: every (method, path) the actix application
//! registers is documented and every documented one is registered, and the document is served.
//!
//! actix exposes the whole resource tree only through `ResourceMap`'s `Debug` form, so the
//! patterns are read from it (a sanity check fails loudly if that form ever changes); which
//! methods each pattern takes is asked of the router itself: a method a resource does not
//! register is answered 405 before any handler runs.

use actix_web::dev::Service;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, test, web};
use ciel_http::build_app;
use ciel_runtime::config::Config;
use ciel_testkit::{TestDb, app_env};
use std::collections::BTreeSet;

const DUMP: &str = "/__resource_map";

/// The full patterns of every resource in actix's `ResourceMap` `Debug` output.
fn patterns(debug: &str) -> Vec<String> {
    struct Node {
        depth: usize,
        pattern: Option<String>,
        has_children: bool,
    }
    let mut out = Vec::new();
    let mut stack: Vec<Node> = Vec::new();
    // Brace depth at which a `named: {` map was opened: resource maps inside it are copies.
    let mut named_at: Option<usize> = None;
    let mut depth = 0usize;
    let mut want_pattern = false;
    let bytes = debug.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &debug[i..];
        if bytes[i] == b'"' {
            // A string literal (patterns contain braces): read it whole.
            let mut j = i + 1;
            let mut text = String::new();
            while j < bytes.len() && bytes[j] != b'"' {
                if bytes[j] == b'\\' {
                    j += 1;
                }
                text.push(bytes[j] as char);
                j += 1;
            }
            if want_pattern
                && let Some(top) = stack.last_mut()
                && top.pattern.is_none()
            {
                top.pattern = Some(text);
            }
            want_pattern = false;
            i = j + 1;
            continue;
        }
        if rest.starts_with("named: {") {
            if named_at.is_none() {
                named_at = Some(depth + 1);
            }
        } else if rest.starts_with("ResourceMap {") && named_at.is_none() {
            if let Some(parent) = stack.last_mut() {
                parent.has_children = true;
            }
            stack.push(Node {
                depth: depth + 1,
                pattern: None,
                has_children: false,
            });
        } else if rest.starts_with("patterns: Single(") {
            want_pattern = true;
        } else if rest.starts_with("patterns: List(") {
            panic!("a resource with several patterns: extend this reader");
        }
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                if named_at == Some(depth) {
                    named_at = None;
                }
                if stack.last().is_some_and(|n| n.depth == depth) {
                    let node = stack.pop().expect("node");
                    if !node.has_children {
                        let prefix: String =
                            stack.iter().filter_map(|n| n.pattern.as_deref()).collect();
                        out.push(format!("{prefix}{}", node.pattern.unwrap_or_default()));
                    }
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `(METHOD, path)` of every operation in the document.
fn documented(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// A concrete path for a pattern: every `{param}` becomes a UUID (a valid id and code).
fn concrete(pattern: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in pattern.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("00000000-0000-4000-8000-000000000000");
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

#[actix_web::test]
async fn every_registered_route_is_documented_and_every_documented_route_is_registered() {
    let db = TestDb::migrated().await;
    let config = Config::from_map(&app_env(&db)).expect("test config");
    let parts = ciel_runtime::wiring::build_api_with(&config, None)
        .await
        .expect("building the app");
    let app = test::init_service(build_app(parts.state).service(
        web::resource(DUMP).to(|req: HttpRequest| async move {
            HttpResponse::Ok().body(format!("{:?}", req.resource_map()))
        }),
    ))
    .await;
    let call = |method: Method, path: String| {
        test::TestRequest::default()
            .method(method)
            .uri(&path)
            .peer_addr("127.0.0.1:40000".parse().expect("addr"))
            .to_request()
    };

    let res = app
        .call(call(Method::GET, DUMP.into()))
        .await
        .expect("dump");
    let map = String::from_utf8(test::read_body(res).await.to_vec()).expect("utf-8");
    let patterns: Vec<String> = patterns(&map).into_iter().filter(|p| p != DUMP).collect();
    assert!(
        patterns.contains(&"/health".to_owned())
            && patterns.contains(&"/v1/posts/{id}/comments/{comment_id}".to_owned())
            && patterns.len() > 50,
        "could not read the resource map (did actix change its Debug form?): {patterns:?}"
    );

    let mut registered = BTreeSet::new();
    for pattern in &patterns {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let res = app
                .call(call(method.clone(), concrete(pattern)))
                .await
                .expect("response");
            if res.status().as_u16() != 405 {
                registered.insert((method.to_string(), pattern.clone()));
            }
        }
    }

    let doc: serde_json::Value =
        serde_json::from_str(&ciel_http::openapi::document_json()).expect("document JSON");
    let documented = documented(&doc);
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document (annotate the handler and list it in its \
         module's `Api`): {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented operations the router does not serve: {unrouted:?}"
    );
}

#[tokio::test]
async fn the_document_is_served_as_generated() {
    let app = ciel_testkit::TestApp::spawn().await;
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status().as_u16(), 200);
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("application/json"), "content-type {ct:?}");
    let served = res.text().await.expect("body");
    assert_eq!(served, ciel_http::openapi::document_json());
    let doc: serde_json::Value = serde_json::from_str(&served).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    app.stop().await;
}
