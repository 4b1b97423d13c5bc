//! Versioned wire format of the media queue: the contract's `MediaJob` JSON body (§3.9), the
//! version in the `x-ciel-message-version` header, and the retry attempt in `x-ciel-attempt`.
//!
//! The body is exactly `{"upload_id":"<uuid>","owner_id":"<uuid>","original_key":"<key>"}` so
//! that any Ciel implementation can read it. Unknown body fields are ignored (a newer producer
//! may add some). A message without a version header is read as version 1 (it is the contract's
//! shape, e.g. republished by hand from the dead-letter queue); any other version, and any body
//! that does not parse, is a [`DecodeError`], which the consumer dead-letters at once.

use ciel_domain::ids::{UploadId, UserId};
use ciel_domain::ports::MediaJob;
use lapin::BasicProperties;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Header carrying the message schema version.
pub const VERSION_HEADER: &str = "x-ciel-message-version";
/// Header carrying the 1-based processing attempt this delivery is (absent means 1).
pub const ATTEMPT_HEADER: &str = "x-ciel-attempt";
/// The version of [`MediaJobMessage`] this code writes and reads.
pub const MEDIA_JOB_VERSION: i64 = 1;
/// The AMQP `type` property of media jobs (informational; decoding does not depend on it).
pub const MEDIA_JOB_TYPE: &str = "ciel.media_job";
/// The AMQP `content_type` of every message.
pub const CONTENT_TYPE: &str = "application/json";
/// AMQP delivery mode 2: the broker writes the message to disk.
pub const PERSISTENT: u8 = 2;

/// Headers that the broker adds when it dead-letters a message; dropped when we republish so
/// that the attempt header stays the one source of truth.
const BROKER_DEATH_HEADERS: [&str; 7] = [
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
];

/// The wire DTO of a media job (version 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaJobMessage {
    /// The upload to process.
    pub upload_id: Uuid,
    /// Its owner.
    pub owner_id: Uuid,
    /// Where the original lies in object storage.
    pub original_key: String,
}

impl From<&MediaJob> for MediaJobMessage {
    fn from(job: &MediaJob) -> Self {
        Self {
            upload_id: job.upload_id.as_uuid(),
            owner_id: job.owner_id.as_uuid(),
            original_key: job.original_key.clone(),
        }
    }
}

impl From<MediaJobMessage> for MediaJob {
    fn from(m: MediaJobMessage) -> Self {
        Self {
            upload_id: UploadId::from_uuid(m.upload_id),
            owner_id: UserId::from_uuid(m.owner_id),
            original_key: m.original_key,
        }
    }
}

/// Why a delivery cannot be turned into a job. Such messages are poison: retrying cannot help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The version header names a version this code does not know.
    #[error("unsupported message version {0}")]
    UnknownVersion(String),
    /// The body is not the contract's JSON.
    #[error("unparseable media job body: {0}")]
    Body(String),
}

/// The JSON body of `job`.
pub fn encode_body(job: &MediaJob) -> Vec<u8> {
    // Two UUIDs and a string always serialise.
    serde_json::to_vec(&MediaJobMessage::from(job)).unwrap_or_default()
}

/// The properties of a freshly published job: persistent, JSON, version 1, attempt 1.
pub fn job_properties() -> BasicProperties {
    let mut headers = FieldTable::default();
    headers.insert(
        VERSION_HEADER.into(),
        AMQPValue::LongLongInt(MEDIA_JOB_VERSION),
    );
    headers.insert(ATTEMPT_HEADER.into(), AMQPValue::LongLongInt(1));
    BasicProperties::default()
        .with_content_type(CONTENT_TYPE.into())
        .with_type(MEDIA_JOB_TYPE.into())
        .with_delivery_mode(PERSISTENT)
        .with_headers(headers)
}

/// The properties for republishing a delivery as attempt `attempt`, expiring (i.e. returning
/// to the main queue) after `expiration_ms`. Other headers (e.g. trace context) are kept; the
/// broker's dead-letter bookkeeping is dropped.
pub fn retry_properties(
    original: &BasicProperties,
    attempt: u32,
    expiration_ms: u64,
) -> BasicProperties {
    let mut headers = FieldTable::default();
    if let Some(old) = original.headers() {
        for (k, v) in old {
            if !BROKER_DEATH_HEADERS.contains(&k.as_str()) {
                headers.insert(k.clone(), v.clone());
            }
        }
    }
    headers.insert(
        ATTEMPT_HEADER.into(),
        AMQPValue::LongLongInt(i64::from(attempt)),
    );
    let mut props = original.clone();
    if props.content_type().is_none() {
        props = props.with_content_type(CONTENT_TYPE.into());
    }
    props
        .with_delivery_mode(PERSISTENT)
        .with_headers(headers)
        .with_expiration(ShortString::from(expiration_ms.max(1).to_string()))
}

/// Decodes a delivery into a job, or says why it is poison.
pub fn decode(properties: &BasicProperties, body: &[u8]) -> Result<MediaJob, DecodeError> {
    if let Some(value) = header(properties, VERSION_HEADER) {
        match as_integer(value) {
            Some(MEDIA_JOB_VERSION) => {}
            Some(other) => return Err(DecodeError::UnknownVersion(other.to_string())),
            None => return Err(DecodeError::UnknownVersion(format!("{value:?}"))),
        }
    }
    let message: MediaJobMessage =
        serde_json::from_slice(body).map_err(|e| DecodeError::Body(e.to_string()))?;
    if message.original_key.trim().is_empty() {
        return Err(DecodeError::Body("original_key is empty".to_owned()));
    }
    Ok(message.into())
}

/// The 1-based attempt number of a delivery (1 when the header is absent or unreadable).
pub fn attempt(properties: &BasicProperties) -> u32 {
    header(properties, ATTEMPT_HEADER)
        .and_then(as_integer)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1)
        .max(1)
}

fn header<'a>(properties: &'a BasicProperties, name: &str) -> Option<&'a AMQPValue> {
    properties.headers().as_ref()?.inner().get(name)
}

/// Integers of any AMQP width, or a decimal string (tools such as `rabbitmqadmin` send strings).
fn as_integer(value: &AMQPValue) -> Option<i64> {
    match value {
        AMQPValue::ShortShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortShortUInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortInt(n) => Some(i64::from(*n)),
        AMQPValue::ShortUInt(n) => Some(i64::from(*n)),
        AMQPValue::LongInt(n) => Some(i64::from(*n)),
        AMQPValue::LongUInt(n) => Some(i64::from(*n)),
        AMQPValue::LongLongInt(n) => Some(*n),
        AMQPValue::ShortString(s) => s.as_str().trim().parse().ok(),
        AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok()?.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> MediaJob {
        MediaJob {
            upload_id: UploadId::from_uuid(
                Uuid::parse_str("550e8400-e29b-41d4-a716-446655440000").unwrap(),
            ),
            owner_id: UserId::from_uuid(
                Uuid::parse_str("6ba7b810-9dad-11d1-80b4-00c04fd430c8").unwrap(),
            ),
            original_key: "uploads/6ba7b810-9dad-11d1-80b4-00c04fd430c8/550e8400.jpg".to_owned(),
        }
    }

    fn with_version(v: AMQPValue) -> BasicProperties {
        let mut h = FieldTable::default();
        h.insert(VERSION_HEADER.into(), v);
        BasicProperties::default().with_headers(h)
    }

    #[test]
    fn the_body_is_exactly_the_contract_json() {
        let body = String::from_utf8(encode_body(&job())).unwrap();
        assert_eq!(
            body,
            r#"{"upload_id":"550e8400-e29b-41d4-a716-446655440000","owner_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","original_key":"uploads/6ba7b810-9dad-11d1-80b4-00c04fd430c8/550e8400.jpg"}"#
        );
    }

    #[test]
    fn round_trips_with_the_published_properties() {
        let props = job_properties();
        assert_eq!(*props.delivery_mode(), Some(PERSISTENT));
        assert_eq!(decode(&props, &encode_body(&job())), Ok(job()));
        assert_eq!(attempt(&props), 1);
    }

    #[test]
    fn a_body_without_headers_is_version_one_and_extra_fields_are_ignored() {
        let body = br#"{"upload_id":"550e8400-e29b-41d4-a716-446655440000","owner_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","original_key":"uploads/6ba7b810-9dad-11d1-80b4-00c04fd430c8/550e8400.jpg","extra":1}"#;
        assert_eq!(decode(&BasicProperties::default(), body), Ok(job()));
        let props = with_version(AMQPValue::LongString("1".into()));
        assert_eq!(decode(&props, body), Ok(job()));
        let props = with_version(AMQPValue::ShortShortUInt(1));
        assert_eq!(decode(&props, body), Ok(job()));
    }

    #[test]
    fn unknown_versions_and_bad_bodies_are_poison() {
        let body = encode_body(&job());
        assert_eq!(
            decode(&with_version(AMQPValue::LongInt(2)), &body),
            Err(DecodeError::UnknownVersion("2".to_owned()))
        );
        assert!(matches!(
            decode(&with_version(AMQPValue::Boolean(true)), &body),
            Err(DecodeError::UnknownVersion(_))
        ));
        for bad in [
            &b"not json"[..],
            b"",
            b"{}",
            br#"{"upload_id":"nope","owner_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","original_key":"k"}"#,
            br#"{"upload_id":"550e8400-e29b-41d4-a716-446655440000","owner_id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","original_key":" "}"#,
        ] {
            assert!(
                matches!(
                    decode(&BasicProperties::default(), bad),
                    Err(DecodeError::Body(_))
                ),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn retry_properties_count_attempts_keep_headers_and_drop_broker_bookkeeping() {
        let mut h = FieldTable::default();
        h.insert("traceparent".into(), AMQPValue::LongString("00-abc".into()));
        h.insert("x-death".into(), AMQPValue::Void);
        h.insert(ATTEMPT_HEADER.into(), AMQPValue::LongLongInt(2));
        let original = job_properties().with_headers(h);
        let props = retry_properties(&original, 3, 4000);
        assert_eq!(attempt(&props), 3);
        assert_eq!(
            props.expiration().as_ref().map(ShortString::as_str),
            Some("4000")
        );
        assert_eq!(*props.delivery_mode(), Some(PERSISTENT));
        let headers = props.headers().as_ref().unwrap();
        assert!(headers.contains_key("traceparent"));
        assert!(!headers.contains_key("x-death"));
        assert_eq!(
            retry_properties(&original, 2, 0)
                .expiration()
                .as_ref()
                .map(ShortString::as_str),
            Some("1")
        );
    }
}
