//! The S3 adapter's own errors, and how rust-s3 failures become `ObjectStoreError`s.

use ::s3::error::S3Error;
use ciel_domain::ports::ObjectStoreError;

/// The S3 adapter could not be built or prepared.
#[derive(Debug, thiserror::Error)]
pub enum S3StoreError {
    /// `S3_ENDPOINT` or `S3_PUBLIC_ENDPOINT` is not a bare `http(s)://host[:port]`.
    #[error("invalid {var}: {reason}")]
    InvalidEndpoint {
        /// The setting at fault.
        var: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Only one of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` is set.
    #[error("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")]
    PartialCredentials,
    /// No credentials were given and the AWS provider chain found none.
    #[error("no S3 credentials: {0}")]
    Credentials(String),
    /// rust-s3 refused the settings (bucket name, region, TLS client).
    #[error("cannot set up the S3 client: {0}")]
    Client(String),
    /// `ensure_bucket` could not find or create the bucket.
    #[error("cannot create bucket {bucket}: {reason}")]
    CreateBucket {
        /// The bucket.
        bucket: String,
        /// Why, as the store put it (status and S3 error code only).
        reason: String,
    },
}

/// What a failure was, in terms of the port.
pub(super) fn to_port(err: S3Error) -> ObjectStoreError {
    match &err {
        S3Error::HttpFailWithBody(404, body) if s3_code(body) != Some("NoSuchBucket") => {
            ObjectStoreError::NotFound
        }
        _ => ObjectStoreError::Backend(describe(err)),
    }
}

/// A one-line description that carries no secrets: for an HTTP error only the status and the S3
/// error code (an error body may echo the access key id, the string to sign and the canonical
/// request); for a transport error the error chain without the URL.
pub(super) fn describe(err: S3Error) -> String {
    match err {
        S3Error::HttpFailWithBody(status, body) => match s3_code(&body) {
            Some(code) => format!("S3 answered HTTP {status} {code}"),
            None => format!("S3 answered HTTP {status}"),
        },
        S3Error::Reqwest(e) => {
            let kind = if e.is_timeout() {
                "S3 request timed out"
            } else if e.is_connect() {
                "cannot connect to S3"
            } else {
                "S3 request failed"
            };
            let e = e.without_url();
            let mut out = format!("{kind}: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                out.push_str(": ");
                out.push_str(&cause.to_string());
                source = cause.source();
            }
            out
        }
        other => other.to_string(),
    }
}

/// The `<Code>` of an S3 XML error body, if it has one.
pub(super) fn s3_code(body: &str) -> Option<&str> {
    let start = body.find("<Code>")? + "<Code>".len();
    let len = body[start..].find("</Code>")?;
    let code = body[start..start + len].trim();
    (!code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_is_404_except_a_missing_bucket() {
        let no_key =
            "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>x</Message></Error>";
        assert!(matches!(
            to_port(S3Error::HttpFailWithBody(404, no_key.into())),
            ObjectStoreError::NotFound
        ));
        // HEAD answers carry no body.
        assert!(matches!(
            to_port(S3Error::HttpFailWithBody(404, String::new())),
            ObjectStoreError::NotFound
        ));
        let no_bucket = "<Error><Code>NoSuchBucket</Code></Error>";
        match to_port(S3Error::HttpFailWithBody(404, no_bucket.into())) {
            ObjectStoreError::Backend(msg) => assert_eq!(msg, "S3 answered HTTP 404 NoSuchBucket"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_bodies_are_reduced_to_their_code() {
        let body = "<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>AKIDSECRETISH</AWSAccessKeyId>\
                    <StringToSign>AWS4-HMAC-SHA256...</StringToSign></Error>";
        let msg = describe(S3Error::HttpFailWithBody(403, body.into()));
        assert_eq!(msg, "S3 answered HTTP 403 SignatureDoesNotMatch");
        assert_eq!(
            describe(S3Error::HttpFailWithBody(500, "<html>oops</html>".into())),
            "S3 answered HTTP 500"
        );
    }
}
