//! Signed URLs of the local-directory store: what a presigned PUT or GET grants (method, key,
//! expiry and, for a PUT, content type and length), bound by an HMAC-SHA256 over those fields.
//! Pure: the caller passes the time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a signed URL grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// `PUT` or `GET`.
    pub method: &'static str,
    /// The object key.
    pub key: String,
    /// Unix seconds after which the URL is refused.
    pub expires: u64,
    /// For a PUT: the content type the upload must declare.
    pub content_type: Option<String>,
    /// For a PUT: the exact length of the body.
    pub length: Option<u64>,
}

/// Why a signed request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A parameter is missing or malformed.
    #[error("missing or malformed signature parameters")]
    Malformed,
    /// The signature does not match the parameters.
    #[error("signature does not match")]
    Mismatch,
    /// The URL has expired.
    #[error("the signed URL has expired")]
    Expired,
}

fn canonical(grant: &Grant) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}",
        grant.method,
        grant.key,
        grant.expires,
        grant.content_type.as_deref().unwrap_or(""),
        grant.length.map(|l| l.to_string()).unwrap_or_default()
    )
}

fn mac(secret: &[u8; 32], grant: &Grant) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(canonical(grant).as_bytes());
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The query string (without `?`) that carries `grant` and its signature.
pub fn query(secret: &[u8; 32], grant: &Grant) -> String {
    let sig = hex(&mac(secret, grant).finalize().into_bytes());
    let mut q = format!("expires={}", grant.expires);
    if let Some(ct) = &grant.content_type {
        q.push_str(&format!("&type={}", encode(ct)));
    }
    if let Some(len) = grant.length {
        q.push_str(&format!("&length={len}"));
    }
    q.push_str(&format!("&sig={sig}"));
    q
}

/// Checks `query` for a `method` request on `key` at `now` (Unix seconds); returns the grant.
pub fn verify(
    secret: &[u8; 32],
    method: &'static str,
    key: &str,
    query: &str,
    now: u64,
) -> Result<Grant, SignatureError> {
    let mut expires = None;
    let mut content_type = None;
    let mut length = None;
    let mut sig = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or(SignatureError::Malformed)?;
        let value = decode(value).ok_or(SignatureError::Malformed)?;
        let slot = match name {
            "expires" => &mut expires,
            "type" => &mut content_type,
            "length" => &mut length,
            "sig" => &mut sig,
            _ => return Err(SignatureError::Malformed),
        };
        if slot.replace(value).is_some() {
            return Err(SignatureError::Malformed);
        }
    }
    let parse = |v: Option<String>| -> Result<Option<u64>, SignatureError> {
        v.map(|v| v.parse().map_err(|_| SignatureError::Malformed))
            .transpose()
    };
    let grant = Grant {
        method,
        key: key.to_owned(),
        expires: parse(expires)?.ok_or(SignatureError::Malformed)?,
        content_type,
        length: parse(length)?,
    };
    if method == "PUT" && (grant.content_type.is_none() || grant.length.is_none()) {
        return Err(SignatureError::Malformed);
    }
    let sig = sig
        .as_deref()
        .and_then(unhex)
        .ok_or(SignatureError::Malformed)?;
    mac(secret, &grant)
        .verify_slice(&sig)
        .map_err(|_| SignatureError::Mismatch)?;
    if now > grant.expires {
        return Err(SignatureError::Expired);
    }
    Ok(grant)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (any `%XX` escape; `+` stays `+`).
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hexits = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hexits, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [7; 32];

    fn put_grant() -> Grant {
        Grant {
            method: "PUT",
            key: "uploads/u/a.png".into(),
            expires: 1000,
            content_type: Some("image/svg+xml".into()),
            length: Some(12),
        }
    }

    #[test]
    fn a_signed_query_verifies_until_it_expires() {
        let q = query(&SECRET, &put_grant());
        assert_eq!(
            verify(&SECRET, "PUT", "uploads/u/a.png", &q, 1000),
            Ok(put_grant())
        );
        assert_eq!(
            verify(&SECRET, "PUT", "uploads/u/a.png", &q, 1001),
            Err(SignatureError::Expired)
        );
    }

    #[test]
    fn another_key_method_secret_or_field_does_not_verify() {
        let q = query(&SECRET, &put_grant());
        let mismatch = Err(SignatureError::Mismatch);
        assert_eq!(verify(&SECRET, "PUT", "uploads/u/b.png", &q, 0), mismatch);
        assert_eq!(verify(&[8; 32], "PUT", "uploads/u/a.png", &q, 0), mismatch);
        let longer = q.replace("length=12", "length=13");
        assert_eq!(
            verify(&SECRET, "PUT", "uploads/u/a.png", &longer, 0),
            mismatch
        );
        // A GET signature does not allow a PUT (and a PUT grant lacks nothing for a GET check,
        // but its fields change the signed text).
        assert_eq!(verify(&SECRET, "GET", "uploads/u/a.png", &q, 0), mismatch);
        assert_eq!(
            verify(&SECRET, "PUT", "uploads/u/a.png", "expires=5", 0),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(&SECRET, "PUT", "uploads/u/a.png", &format!("{q}&sig=00"), 0),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn content_types_survive_the_query() {
        assert_eq!(encode("image/svg+xml"), "image%2Fsvg%2Bxml");
        assert_eq!(
            decode("image%2Fsvg%2Bxml").as_deref(),
            Some("image/svg+xml")
        );
        assert_eq!(decode("%zz"), None);
    }
}
