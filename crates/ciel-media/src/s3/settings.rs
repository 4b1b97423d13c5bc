//! What the S3 adapter needs to know, and the endpoint checks and URL rewrite behind it.

use super::S3StoreError;

/// Where and how to reach the bucket (contract §5: `S3_*`, `AWS_*`).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `scheme://host[:port]` used for signing and I/O (`S3_ENDPOINT`). No path.
    pub endpoint: String,
    /// `scheme://host[:port]` that replaces the origin of presigned GET URLs
    /// (`S3_PUBLIC_ENDPOINT`, contract §3.9). No path.
    pub public_endpoint: Option<String>,
    /// Signing region (`S3_REGION`).
    pub region: String,
    /// Bucket name (`S3_BUCKET`).
    pub bucket: String,
    /// Path-style addressing (`S3_FORCE_PATH_STYLE`; s3s-fs, MinIO) instead of virtual hosts.
    pub path_style: bool,
    /// `AWS_ACCESS_KEY_ID`; with the secret absent too, the AWS provider chain is used.
    pub access_key_id: Option<String>,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("public_endpoint", &self.public_endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Checks that `raw` is `http(s)://host[:port]` (an optional trailing `/` allowed) and returns it
/// without the trailing slash. `var` names the setting in the error.
pub(super) fn origin(var: &'static str, raw: &str) -> Result<String, S3StoreError> {
    let bad = |why: &str| S3StoreError::InvalidEndpoint {
        var,
        reason: format!("{why}; expected http(s)://host[:port], got {raw:?}"),
    };
    let uri: http::Uri = raw.parse().map_err(|_| bad("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("the scheme must be http or https")),
    }
    let authority = uri.authority().ok_or_else(|| bad("no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("user info is not allowed"));
    }
    if authority.host().is_empty() {
        return Err(bad("no host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(bad("a path or query is not allowed"));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// Replaces the scheme, host and port of `url` with `origin` (`scheme://host[:port]`, as
/// returned by [`origin`]), leaving path and query byte for byte as they were.
pub(super) fn with_origin(url: &str, origin: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let tail = rest.find(['/', '?', '#']).map_or("", |i| &rest[i..]);
    format!("{origin}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_endpoint_replaces_scheme_host_and_port_only() {
        let signed = "http://127.0.0.1:9000/ciel-media/media/u1/x/thumb.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                      &X-Amz-Credential=k%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc";
        let public = origin("S3_PUBLIC_ENDPOINT", "https://cdn.example.com/").unwrap();
        assert_eq!(public, "https://cdn.example.com");
        assert_eq!(
            with_origin(signed, &public),
            "https://cdn.example.com/ciel-media/media/u1/x/thumb.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=k%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc"
        );
        // A port in the public endpoint is kept; a virtual-host URL loses its bucket host.
        assert_eq!(
            with_origin(
                "https://bucket.s3.fr-par.scw.cloud/k.png?a=b",
                "http://localhost:9000"
            ),
            "http://localhost:9000/k.png?a=b"
        );
    }

    #[test]
    fn endpoints_must_be_bare_origins() {
        for good in [
            "http://127.0.0.1:9000",
            "https://s3.fr-par.scw.cloud",
            "http://[::1]:9000/",
        ] {
            assert!(origin("S3_ENDPOINT", good).is_ok(), "{good}");
        }
        for bad in [
            "127.0.0.1:9000",
            "ftp://host",
            "http://",
            "http://host/prefix",
            "http://host?x=1",
            "http://user:pw@host",
            "not a url",
        ] {
            let err = origin("S3_ENDPOINT", bad).unwrap_err().to_string();
            assert!(err.contains("S3_ENDPOINT"), "{err}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let settings = S3Settings {
            endpoint: "http://127.0.0.1:9000".into(),
            public_endpoint: None,
            region: "us-east-1".into(),
            bucket: "b".into(),
            path_style: true,
            access_key_id: Some("key".into()),
            secret_access_key: Some("very-secret".into()),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}
