//! A tour of `ciel-domain` with its types alone — no database, network, clock or runtime:
//! validate a sign-up, compute trust changes, paginate a list. Run it with
//! `cargo run -p ciel-domain --example domain_tour`; `cargo test` builds it and a test in
//! `tests/domain_tour.rs` runs it. Every step asserts what the rules say, so it fails loudly if
//! a rule changes.

// A tour is a program that shows its steps.
#![allow(clippy::print_stdout)]

use chrono::{DateTime, Duration, Utc};
use ciel_domain::accounts::{DisplayName, Email, Handle, validate_new_password};
use ciel_domain::invites::{invite_code_from_entropy, is_well_formed_code};
use ciel_domain::pagination::{Cursor, Page, PageLimit};
use ciel_domain::trust::{TrustEvent, TrustLevel, TrustRecord, invite_quota};
use uuid::Uuid;

pub fn main() {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
        .expect("a fixed instant")
        .with_timezone(&Utc);
    signup();
    trust(now);
    pagination(now);
    println!("domain tour: all rules held");
}

/// A sign-up form, checked field by field with the contract's messages.
fn signup() {
    let handle = Handle::parse("  ada_lovelace ").expect("a valid handle");
    assert_eq!(handle.as_str(), "ada_lovelace", "handles are trimmed");
    let email = Email::parse("Ada@Example.com").expect("a valid email");
    let name = DisplayName::parse("Ada Lovelace").expect("a valid display name");
    validate_new_password("Analytical1").expect("a strong enough password");
    println!(
        "sign-up ok: @{} <{}> {}",
        handle.as_str(),
        email.as_str(),
        name.as_str()
    );

    let refused = Handle::parse("ad").unwrap_err();
    assert_eq!(refused.0, "handle must be at least 3 characters");
    let weak = validate_new_password("alllowercase").unwrap_err();
    assert!(weak.0.contains("uppercase"), "{}", weak.0);
    println!("refused: {:?}, {:?}", refused.0, weak.0);

    // Invite codes come from caller-supplied entropy (the domain never draws randomness).
    let code = invite_code_from_entropy(&[7u8; 32]).expect("enough entropy for a code");
    assert!(is_well_formed_code(&code));
    println!("invite code from fixed entropy: {code}");
}

/// A new user's trust record through a few events.
fn trust(now: DateTime<Utc>) {
    let mut record = TrustRecord::new();
    assert_eq!((record.level, record.points), (TrustLevel::New, 0));
    assert_eq!(invite_quota(TrustLevel::New), 3);

    record.account_age_days = 8;
    for _ in 0..5 {
        record.apply(TrustEvent::PostCreated, now); // +5 each
    }
    record.apply(TrustEvent::CommentCreated, now); // +2
    record.apply(TrustEvent::FollowerGained, now); // +3
    assert_eq!(record.points, 5 * 5 + 2 + 3);
    assert_eq!(record.posts_count, 5);
    assert_eq!(
        record.level,
        TrustLevel::Basic,
        "a week old, five posts and 20+ points"
    );
    println!(
        "after 5 posts, a comment and a follower: {} points, level {}",
        record.points,
        record.level.name()
    );

    // Every 10th flag is a strike (−50 and a strike); the third strike bans for 7 days.
    for _ in 0..30 {
        record.apply(TrustEvent::FlagReceived, now);
    }
    assert_eq!(record.strikes, 3);
    assert_eq!(record.points, 0, "points never go below zero");
    assert_eq!(record.level, TrustLevel::New);
    assert!(record.is_banned(now));
    assert!(!record.is_banned(now + Duration::days(8)));
    println!(
        "after 30 flags: {} strikes, banned until {:?}",
        record.strikes, record.banned_until
    );
}

/// Keyset pagination: ask for one more than the limit, keep `limit`, and the cursor is the
/// last item returned.
fn pagination(now: DateTime<Utc>) {
    let limit = PageLimit::parse(Some(2)).expect("a valid limit");
    assert_eq!(limit.fetch_count(), 3, "one row of lookahead");
    assert!(PageLimit::parse(Some(0)).is_err());

    let rows: Vec<(DateTime<Utc>, Uuid)> = (0..3)
        .map(|i| (now - Duration::minutes(i), Uuid::from_u128(i as u128 + 1)))
        .collect();
    let page = Page::from_lookahead(rows.clone(), limit, |(ts, id)| Cursor { ts: *ts, id: *id });
    assert_eq!(page.items, rows[..2]);
    let cursor = page.next_cursor.expect("a lookahead row means a next page");
    assert_eq!((cursor.ts, cursor.id), rows[1]);
    let wire = cursor.to_string();
    assert_eq!(
        Cursor::parse(&wire),
        Ok(cursor),
        "cursors round-trip through their wire form"
    );
    println!("page of {} with next cursor {wire}", page.items.len());

    let last = Page::from_lookahead(rows[2..].to_vec(), limit, |(ts, id)| Cursor {
        ts: *ts,
        id: *id,
    });
    assert_eq!(last.next_cursor, None, "no lookahead row: the last page");
}
