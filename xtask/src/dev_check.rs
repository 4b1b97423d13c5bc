//! `cargo xtask dev --check`: once the dev API answers, what a client would do — `/ready`, sign
//! in as the demo user, read the home feed (populated by the seed), open a post and fetch its
//! photo, upload a new photo through the presigned URL and wait until it is processed.

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn ok_json(res: reqwest::Response, what: &str) -> Result<Value> {
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    ensure!(status.is_success(), "{what}: {status} {body}");
    serde_json::from_str(&body).with_context(|| format!("{what}: not JSON: {body}"))
}

/// Waits until `base/ready` answers 200 (or the API process ends, or 120 s pass).
pub async fn wait_ready(
    http: &reqwest::Client,
    base: &str,
    child: &mut tokio::process::Child,
) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(res) = http.get(format!("{base}/ready")).send().await
            && res.status() == 200
        {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("ciel-api exited with {status} before it was ready");
        }
        ensure!(Instant::now() < deadline, "{base}/ready never answered 200");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The end-to-end check against a running dev API; prints what it saw.
pub async fn check(base: &str, email: &str, password: &str) -> Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let login = ok_json(
        http.post(format!("{base}/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await?,
        "login",
    )
    .await?;
    let token = login["access_token"].as_str().context("no access_token")?;
    let bearer = format!("Bearer {token}");
    let get = |path: String| {
        http.get(format!("{base}{path}"))
            .header("authorization", &bearer)
    };

    let feed = ok_json(get("/v1/feed".into()).send().await?, "GET /v1/feed").await?;
    let items = feed["items"]
        .as_array()
        .context("feed has no items array")?;
    let authors: std::collections::BTreeSet<&str> = items
        .iter()
        .filter_map(|p| p["owner_id"].as_str())
        .collect();
    ensure!(
        items.len() >= 4 && authors.len() >= 2,
        "the demo feed should hold posts of several users, got {} posts by {} users",
        items.len(),
        authors.len()
    );
    eprintln!(
        "dev check: home feed has {} posts by {} users",
        items.len(),
        authors.len()
    );

    let post_id = items[0]["id"].as_str().context("post id")?;
    let post = ok_json(
        get(format!("/v1/posts/{post_id}")).send().await?,
        "GET post",
    )
    .await?;
    let thumb = post["primary_media"]["thumb_url"]
        .as_str()
        .context("the post has no primary_media.thumb_url")?;
    let res = http.get(thumb).send().await?;
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ensure!(
        res.status() == 200 && ct == "image/jpeg",
        "thumb: {} {ct}",
        res.status()
    );
    let bytes = res.bytes().await?;
    eprintln!(
        "dev check: post {post_id}: {} likes, {} comments, thumb {} bytes of {ct}",
        post["like_count"],
        post["comment_count"],
        bytes.len()
    );

    let photo = crate::demo_photos::photo(7, 640, 480)?;
    let intent = ok_json(
        http.post(format!("{base}/v1/media/upload"))
            .header("authorization", &bearer)
            .json(&json!({"content_type": "image/jpeg", "bytes": photo.len()}))
            .send()
            .await?,
        "upload intent",
    )
    .await?;
    let mut put = http.put(intent["upload_url"].as_str().context("upload_url")?);
    for h in intent["headers"].as_array().context("headers")? {
        put = put.header(
            h["name"].as_str().unwrap_or_default(),
            h["value"].as_str().unwrap_or_default(),
        );
    }
    let status = put.body(photo).send().await?.status();
    ensure!(status.is_success(), "presigned PUT: {status}");
    let id = intent["upload_id"].as_str().context("upload_id")?;
    let res = http
        .post(format!("{base}/v1/media/upload/{id}/complete"))
        .header("authorization", &bearer)
        .send()
        .await?;
    ensure!(res.status() == 202, "complete: {}", res.status());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = ok_json(
            get(format!("/v1/media/upload/{id}/status")).send().await?,
            "status",
        )
        .await?;
        match s["status"].as_str() {
            Some("completed") => break,
            Some("failed") => bail!("the upload failed: {s}"),
            _ => {}
        }
        ensure!(
            Instant::now() < deadline,
            "upload {id} not processed after 60 s: {s}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("dev check: a new upload went through the presigned PUT to completed");
    Ok(())
}
