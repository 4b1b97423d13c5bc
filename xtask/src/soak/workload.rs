//! The seeded mixed workload. Each of `clients` tasks draws its actions from its own RNG
//! (seeded from the run's seed and its number): sign-ups via admin or user invites (each account
//! from its own forwarded address), logins, uploads through presigned URLs (a real photo, PUT
//! straight to S3, complete, poll), posts with the processed media, likes, comments, follows,
//! feed and post reads. Every acknowledged write goes into the [`Ledger`].

use super::Options;
use super::client::{Client, lock};
use super::images;
use super::ledger::{AckedPost, AckedUpload, Ledger};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// A known account other clients may follow or ask for an invite.
#[derive(Clone)]
struct Known {
    id: Uuid,
    token: String,
    ip: String,
}

/// What all clients share.
struct World {
    http: Client,
    ledger: Arc<Ledger>,
    users: Mutex<Vec<Known>>,
    posts: Mutex<Vec<Uuid>>,
    next_account: AtomicU32,
    seed: u64,
}

/// The account a client currently acts as.
struct Me {
    id: Uuid,
    token: String,
    ip: String,
    email: String,
    password: String,
    logins: u32,
    pending: Vec<Uuid>,
    ready: Vec<Uuid>,
}

/// The running clients and their stop flag.
pub struct Load(Vec<JoinHandle<()>>, Arc<AtomicBool>);

/// Starts `options.clients` clients that act until [`join`].
pub fn start(http: &Client, ledger: &Arc<Ledger>, options: Options) -> Load {
    let world = Arc::new(World {
        http: http.clone(),
        ledger: ledger.clone(),
        users: Mutex::new(Vec::new()),
        posts: Mutex::new(Vec::new()),
        next_account: AtomicU32::new(1),
        seed: options.seed,
    });
    let stop = Arc::new(AtomicBool::new(false));
    Load(
        (0..options.clients)
            .map(|k| tokio::spawn(client(world.clone(), k as u64, stop.clone())))
            .collect(),
        stop,
    )
}

/// Stops the clients and waits for each to finish its last action.
pub async fn join(load: Load) {
    load.1.store(true, Ordering::Relaxed);
    for handle in load.0 {
        let _ = handle.await;
    }
}

fn uuid_of(v: &Value, field: &str) -> Option<Uuid> {
    v.get(field)?.as_str()?.parse().ok()
}

fn pick<T: Clone>(items: &Mutex<Vec<T>>, rng: &mut StdRng) -> Option<T> {
    let items = lock(items);
    if items.is_empty() {
        return None;
    }
    Some(items[rng.random_range(0..items.len())].clone())
}

async fn client(world: Arc<World>, k: u64, stop: Arc<AtomicBool>) {
    let mut rng = StdRng::seed_from_u64(
        world
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(k),
    );
    let mut me: Option<Me> = None;
    while !stop.load(Ordering::Relaxed) {
        if me.is_none() || rng.random_bool(0.03) {
            match sign_up(&world, &mut rng).await {
                Some(account) => me = Some(account),
                None if me.is_none() => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
                None => {}
            }
        }
        let Some(m) = me.as_mut() else { continue };
        match rng.random_range(0..100) {
            0..5 => login(&world, m).await,
            5..22 => upload(&world, m, &mut rng).await,
            22..32 => post(&world, m, &mut rng).await,
            32..48 => like(&world, m, &mut rng).await,
            48..58 => comment(&world, m, &mut rng).await,
            58..70 => follow(&world, m, &mut rng).await,
            70..88 => feed(&world, m).await,
            _ => read_post(&world, m, &mut rng).await,
        }
        let think = rng.random_range(10..60);
        tokio::time::sleep(Duration::from_millis(think)).await;
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn sign_up(world: &World, rng: &mut StdRng) -> Option<Me> {
    let http = &world.http;
    let n = world.next_account.fetch_add(1, Ordering::Relaxed);
    let ip = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
    let mut code = None;
    if rng.random_bool(0.3)
        && let Some(inviter) = pick(&world.users, rng)
    {
        // Level-0 accounts may invite three people: a 403 afterwards is the quota.
        let req = http
            .api(Method::POST, "/v1/invites", &inviter.ip)
            .header("authorization", bearer(&inviter.token))
            .json(&json!({ "days_valid": 7 }));
        if let Some(r) = http.send("invite", req, &[403]).await
            && r.ok()
        {
            code = r.json()["code"].as_str().map(str::to_owned);
        }
    }
    if code.is_none() {
        let req = http
            .admin(Method::POST, "/v1/admin/invites")
            .json(&json!({ "days_valid": 7 }));
        let r = http.send_retrying("admin-invite", req, &[], 3).await?;
        code = r.json()["code"].as_str().map(str::to_owned);
    }
    let code = code?;
    let email = format!("soak_{n}@soak.ciel.test");
    let password = format!("Soak-{n}-Pass1");
    let req = http.api(Method::POST, "/v1/users", &ip).json(&json!({
        "handle": format!("soak_{n}"),
        "email": email,
        "display_name": format!("Soak {n}"),
        "password": password,
        "invite_code": code,
    }));
    let r = http.send("signup", req, &[]).await?;
    if !r.ok() {
        return None;
    }
    let id = uuid_of(&r.json(), "id")?;
    world.ledger.user(id);
    let mut me = Me {
        id,
        token: String::new(),
        ip,
        email,
        password,
        logins: 0,
        pending: Vec::new(),
        ready: Vec::new(),
    };
    login(world, &mut me).await;
    if me.token.is_empty() {
        return None;
    }
    lock(&world.users).push(Known {
        id,
        token: me.token.clone(),
        ip: me.ip.clone(),
    });
    Some(me)
}

/// Logs in again (at most four times per account: the per-IP login limit is 10 an hour).
async fn login(world: &World, me: &mut Me) {
    if me.logins >= 4 {
        return;
    }
    me.logins += 1;
    let req = world
        .http
        .api(Method::POST, "/v1/auth/login", &me.ip)
        .json(&json!({ "email": me.email, "password": me.password }));
    if let Some(r) = world.http.send("login", req, &[]).await
        && r.ok()
        && let Some(token) = r.json()["access_token"].as_str()
    {
        me.token = token.to_owned();
    }
}

fn as_me(world: &World, me: &Me, method: Method, path: &str) -> reqwest::RequestBuilder {
    world
        .http
        .api(method, path, &me.ip)
        .header("authorization", bearer(&me.token))
}

async fn upload(world: &World, me: &mut Me, rng: &mut StdRng) {
    let http = &world.http;
    let Ok(photo) = images::photo(rng) else {
        return;
    };
    let req = as_me(world, me, Method::POST, "/v1/media/upload").json(&json!({
        "content_type": photo.content_type,
        "bytes": photo.bytes.len(),
    }));
    let Some(r) = http.send("upload-intent", req, &[]).await else {
        return;
    };
    if !r.ok() {
        return;
    }
    let intent = r.json();
    let (Some(id), Some(url)) = (uuid_of(&intent, "upload_id"), intent["upload_url"].as_str())
    else {
        return;
    };
    let mut put = http.raw(Method::PUT, url).body(photo.bytes);
    for h in intent["headers"].as_array().into_iter().flatten() {
        if let (Some(name), Some(value)) = (h["name"].as_str(), h["value"].as_str()) {
            put = put.header(name, value);
        }
    }
    match http.send_retrying("s3-put", put, &[], 3).await {
        Some(r) if r.ok() => {}
        _ => return,
    }
    // `complete` is idempotent while the upload is pending or uploaded; a retry after an
    // answer lost in a gateway error may find it already claimed (404), which is then no error.
    let path = format!("/v1/media/upload/{id}/complete");
    for attempt in 0..4 {
        let expected: &[u16] = if attempt == 0 { &[] } else { &[404] };
        let req = as_me(world, me, Method::POST, &path);
        match http.send("upload-complete", req, expected).await {
            Some(r) if r.status == 202 => {
                world.ledger.upload(AckedUpload { id, owner: me.id });
                me.pending.push(id);
                break;
            }
            Some(r) if !matches!(r.status, 502..=504) => return,
            _ => tokio::time::sleep(Duration::from_millis(300)).await,
        }
    }
    // A short poll; what is not done yet is looked at again before the next post.
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        poll_pending(world, me).await;
        if me.pending.is_empty() {
            break;
        }
    }
}

/// Looks at every pending upload once; completed ones become ready media.
async fn poll_pending(world: &World, me: &mut Me) {
    let mut still = Vec::new();
    for id in std::mem::take(&mut me.pending) {
        let req = as_me(
            world,
            me,
            Method::GET,
            &format!("/v1/media/upload/{id}/status"),
        );
        match world.http.send_retrying("upload-status", req, &[], 3).await {
            Some(r) if r.ok() => {
                let v = r.json();
                match v["status"].as_str() {
                    Some("completed") => me.ready.extend(uuid_of(&v, "processed_media_id")),
                    Some("failed") => {} // the audit reports it
                    _ => still.push(id),
                }
            }
            _ => still.push(id),
        }
    }
    me.pending = still;
}

async fn post(world: &World, me: &mut Me, rng: &mut StdRng) {
    if !me.pending.is_empty() {
        poll_pending(world, me).await;
    }
    if me.ready.is_empty() {
        return;
    }
    let n = rng.random_range(1..=me.ready.len().min(3));
    let media: Vec<Uuid> = me.ready.drain(..n).collect();
    let req = as_me(world, me, Method::POST, "/v1/posts").json(&json!({
        "media_ids": media,
        "caption": format!("soak post {}", rng.random::<u32>()),
    }));
    let Some(r) = world.http.send("post", req, &[]).await else {
        return;
    };
    if let Some(id) = r.ok().then(|| uuid_of(&r.json(), "id")).flatten() {
        world.ledger.post(AckedPost {
            id,
            owner: me.id,
            media,
        });
        lock(&world.posts).push(id);
    }
}

async fn like(world: &World, me: &mut Me, rng: &mut StdRng) {
    let Some(post) = pick(&world.posts, rng) else {
        return;
    };
    let req = as_me(world, me, Method::POST, &format!("/v1/posts/{post}/like"));
    if let Some(r) = world.http.send_retrying("like", req, &[], 3).await
        && r.ok()
    {
        world.ledger.like(me.id, post);
    }
}

async fn comment(world: &World, me: &mut Me, rng: &mut StdRng) {
    let Some(post) = pick(&world.posts, rng) else {
        return;
    };
    let req = as_me(
        world,
        me,
        Method::POST,
        &format!("/v1/posts/{post}/comment"),
    )
    .json(&json!({ "body": format!("soak comment {}", rng.random::<u32>()) }));
    if let Some(r) = world.http.send("comment", req, &[]).await
        && let Some(id) = r.ok().then(|| uuid_of(&r.json(), "id")).flatten()
    {
        world.ledger.comment(id, post);
    }
}

async fn follow(world: &World, me: &mut Me, rng: &mut StdRng) {
    let Some(target) = pick(&world.users, rng).filter(|u| u.id != me.id) else {
        return;
    };
    let req = as_me(
        world,
        me,
        Method::POST,
        &format!("/v1/users/{}/follow", target.id),
    );
    if let Some(r) = world.http.send_retrying("follow", req, &[], 3).await
        && r.ok()
    {
        world.ledger.follow(me.id, target.id);
    }
}

async fn feed(world: &World, me: &mut Me) {
    let req = as_me(world, me, Method::GET, "/v1/feed");
    world.http.send_retrying("feed", req, &[], 3).await;
}

async fn read_post(world: &World, me: &mut Me, rng: &mut StdRng) {
    let Some(post) = pick(&world.posts, rng) else {
        return;
    };
    let req = as_me(world, me, Method::GET, &format!("/v1/posts/{post}"));
    world.http.send_retrying("read-post", req, &[], 3).await;
}
