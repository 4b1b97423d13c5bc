//! The document against contract §1.8, field by field, and its shared rules; and the committed
//! copy against the generated one.

use super::document_json;
use serde_json::Value;
use std::collections::BTreeSet;

fn doc() -> Value {
    serde_json::from_str(&document_json()).expect("the document is JSON")
}

/// Whether a property schema admits `null`.
fn admits_null(prop: &Value) -> bool {
    let in_type = match &prop["type"] {
        Value::Array(types) => types.iter().any(|t| t == "null"),
        t => t == "null",
    };
    let in_one_of = prop["oneOf"]
        .as_array()
        .is_some_and(|alts| alts.iter().any(|a| a["type"] == "null"));
    in_type || in_one_of
}

/// Contract §1.8 (and the extra `blurhash`): per object, the fields that are always present and
/// never null, the nullable ones (always present, may be null) and the optional ones (left out
/// when empty, never null).
/// An object's name, then its present, nullable and optional fields.
type Object = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const OBJECTS: &[Object] = &[
    (
        "TokenPair",
        &[
            "access_token",
            "refresh_token",
            "access_expires_at",
            "refresh_expires_at",
        ],
        &[],
        &[],
    ),
    (
        "User",
        &["id", "handle", "email", "display_name", "created_at"],
        &["bio", "avatar_url"],
        &[],
    ),
    (
        "PublicUser",
        &[
            "id",
            "handle",
            "display_name",
            "created_at",
            "followers_count",
            "following_count",
            "posts_count",
        ],
        &["bio", "avatar_url"],
        &[],
    ),
    ("SocialUserItem", &["user", "followed_at"], &[], &[]),
    (
        "Relationship",
        &[
            "is_following",
            "is_followed_by",
            "is_blocking",
            "is_blocked_by",
        ],
        &[],
        &[],
    ),
    (
        "Post",
        &["id", "owner_id", "media_ids", "created_at", "visibility"],
        &["owner_handle", "owner_display_name", "caption"],
        &[
            "primary_media",
            "owner_avatar_url",
            "like_count",
            "comment_count",
            "liked_by_viewer",
        ],
    ),
    (
        "Media",
        &[
            "id",
            "owner_id",
            "original_key",
            "thumb_key",
            "medium_key",
            "width",
            "height",
            "bytes",
            "created_at",
        ],
        &["thumb_url", "medium_url", "original_url", "blurhash"],
        &[],
    ),
    (
        "UploadIntent",
        &[
            "upload_id",
            "object_key",
            "upload_url",
            "expires_in_seconds",
            "headers",
        ],
        &[],
        &[],
    ),
    ("UploadHeader", &["name", "value"], &[], &[]),
    ("UploadStatus", &["status"], &["processed_media_id"], &[]),
    (
        "Like",
        &["id", "user_id", "post_id", "created_at"],
        &[],
        &[],
    ),
    (
        "Comment",
        &["id", "user_id", "post_id", "body", "created_at"],
        &[],
        &["user_handle", "user_display_name"],
    ),
    (
        "Notification",
        &[
            "id",
            "user_id",
            "notification_type",
            "payload",
            "created_at",
        ],
        &["read_at"],
        &[],
    ),
    (
        "Story",
        &[
            "id",
            "user_id",
            "media_id",
            "created_at",
            "expires_at",
            "visibility",
            "view_count",
            "reaction_count",
        ],
        &["user_handle", "user_display_name", "caption"],
        &["user_avatar_url", "media"],
    ),
    (
        "StoryReaction",
        &["id", "story_id", "user_id", "emoji", "created_at"],
        &["user_handle"],
        &[],
    ),
    (
        "StoryView",
        &["viewer_id", "viewed_at"],
        &["viewer_handle", "viewer_display_name"],
        &["viewer_avatar_url"],
    ),
    (
        "StoryMetrics",
        &[
            "story_id",
            "view_count",
            "reaction_count",
            "reactions_by_emoji",
            "viewer_ids",
        ],
        &[],
        &[],
    ),
    ("EmojiCount", &["emoji", "count"], &[], &[]),
    (
        "StoryHighlight",
        &["id", "user_id", "name", "created_at", "updated_at"],
        &["cover_story_id"],
        &[],
    ),
    (
        "InviteCode",
        &[
            "code",
            "created_at",
            "expires_at",
            "is_valid",
            "invite_type",
            "use_count",
            "max_uses",
        ],
        &["created_by", "used_by", "used_at"],
        &[],
    ),
    (
        "InviteStats",
        &[
            "invites_sent",
            "successful_invites",
            "remaining_invites",
            "max_invites",
        ],
        &[],
        &[],
    ),
    ("InviteValidity", &["is_valid"], &[], &[]),
    (
        "UserFlag",
        &["id", "reporter_id", "target_id", "created_at"],
        &["reason"],
        &[],
    ),
    (
        "PostFlag",
        &["id", "reporter_id", "post_id", "created_at"],
        &["reason"],
        &[],
    ),
    (
        "ModerationAction",
        &["id", "target_type", "target_id", "created_at"],
        &["actor_id", "reason"],
        &[],
    ),
    (
        "TrustScore",
        &[
            "user_id",
            "trust_level",
            "trust_level_name",
            "trust_points",
            "account_age_days",
            "posts_count",
            "followers_count",
            "strikes",
            "is_banned",
        ],
        &[],
        &[],
    ),
    (
        "RateLimits",
        &[
            "trust_level",
            "posts_per_hour",
            "posts_per_day",
            "follows_per_hour",
            "follows_per_day",
            "likes_per_hour",
            "comments_per_hour",
            "media_read_per_hour",
            "media_upload_per_hour",
            "remaining",
        ],
        &[],
        &[],
    ),
    (
        "RateLimitsRemaining",
        &[
            "posts",
            "follows",
            "likes",
            "comments",
            "media_read",
            "media_upload",
        ],
        &[],
        &[],
    ),
    (
        "Device",
        &[
            "fingerprint_hash",
            "account_count",
            "risk_score",
            "is_blocked",
        ],
        &[],
        &[],
    ),
    ("Blocked", &["blocked"], &[], &[]),
    ("Unblocked", &["unblocked"], &[], &[]),
    ("Health", &["status"], &[], &[]),
    ("Readiness", &["status", "schema_version"], &[], &[]),
    ("Error", &["error", "message"], &[], &[]),
];

#[test]
fn response_objects_match_the_contract_field_by_field() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    for (name, present, nullable, optional) in OBJECTS {
        let schema = &schemas[*name];
        assert!(schema.is_object(), "no schema {name}");
        let props = schema["properties"].as_object().expect("properties");
        let names: BTreeSet<&str> = props.keys().map(String::as_str).collect();
        let expected: BTreeSet<&str> = present
            .iter()
            .chain(nullable.iter())
            .chain(optional.iter())
            .copied()
            .collect();
        assert_eq!(names, expected, "{name}: fields");
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let expected: BTreeSet<&str> = present.iter().chain(nullable.iter()).copied().collect();
        assert_eq!(required, expected, "{name}: required fields");
        for field in present.iter().chain(optional.iter()) {
            assert!(
                !admits_null(&props[*field]),
                "{name}.{field} must not be null"
            );
        }
        for field in *nullable {
            assert!(
                admits_null(&props[*field]),
                "{name}.{field} must be nullable"
            );
        }
    }
}

#[test]
fn enums_list_the_wire_values() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum"))
            .iter()
            .map(|v| v.as_str().expect("string").to_owned())
            .collect()
    };
    assert_eq!(values("PostVisibility"), ["Public", "FollowersOnly"]);
    assert_eq!(
        values("StoryVisibility"),
        ["Public", "FriendsOnly", "CloseFriendsOnly"]
    );
    assert_eq!(
        values("UploadStatusValue"),
        ["pending", "uploaded", "processing", "completed", "failed"]
    );
    assert_eq!(values("InviteType"), ["standard", "admin", "beta"]);
    assert_eq!(
        values("ModerationTargetType"),
        ["user_flag", "post_flag", "post", "comment"]
    );
    assert_eq!(
        values("TrustLevelName"),
        ["New", "Basic", "Trusted", "Verified"]
    );
    assert_eq!(
        values("UploadContentType"),
        ["image/jpeg", "image/png", "image/webp"]
    );
    let refs = |object: &str, field: &str| {
        schemas[object]["properties"][field]["$ref"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        refs("Post", "visibility"),
        "#/components/schemas/PostVisibility"
    );
    assert_eq!(
        refs("Story", "visibility"),
        "#/components/schemas/StoryVisibility"
    );
    assert_eq!(
        refs("UploadStatus", "status"),
        "#/components/schemas/UploadStatusValue"
    );
    assert_eq!(
        refs("RateLimits", "trust_level"),
        "#/components/schemas/TrustLevelName"
    );
}

#[test]
fn every_operation_has_an_id_and_every_error_the_error_body() {
    let doc = doc();
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let at = format!("{method} {path}");
            let id = op["operationId"].as_str().expect("operationId");
            assert!(ids.insert(id.to_owned()), "{at}: duplicate id {id}");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{at}: no 500");
            for (status, response) in responses {
                if status.as_str() >= "400" {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/Error",
                        "{at} {status}"
                    );
                }
            }
            let bearer_required = op["security"].as_array().is_some_and(|alts| {
                !alts.is_empty() && alts.iter().all(|alt| alt.get("bearer").is_some())
            });
            if bearer_required {
                assert!(responses.contains_key("401"), "{at}: bearer without 401");
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "408", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{at}: body without {status}"
                    );
                }
            }
            let has_id = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
            if has_id {
                assert!(responses.contains_key("400"), "{at}: path id without 400");
            }
        }
    }
    assert!(ids.len() > 60, "only {} operations", ids.len());
}

#[test]
fn the_committed_copy_is_fresh() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == document_json(),
        "docs/openapi.json is stale: regenerate it with `cargo xtask openapi`"
    );
}
