//! `DATABASE_URL` with its TLS settings checked at start, and `DATABASE_CA_CERT` folded in as
//! the URL's `sslrootcert` (so every connection — pool, migrations, advisory locks — uses it).

use super::parse::Reader;
use secrecy::SecretString;

impl Reader<'_> {
    /// `DATABASE_URL`, plus `sslrootcert=$DATABASE_CA_CERT` unless the URL names its own root
    /// certificate; a bad `sslmode` or an unreadable CA file is a start-up problem. Messages
    /// never repeat the URL (it may hold a password).
    pub(super) fn database_url(&mut self) -> SecretString {
        let url = self.required(
            "DATABASE_URL",
            "a Postgres URL, e.g. postgres://ciel@127.0.0.1:5432/ciel?sslmode=verify-full",
        );
        if url.is_empty() {
            return SecretString::from(url);
        }
        let url = match self.optional("DATABASE_CA_CERT") {
            Some(path) => {
                if let Err(e) = std::fs::metadata(&path) {
                    self.problem(
                        "DATABASE_CA_CERT",
                        format!("cannot read the CA certificate {path}: {e}"),
                    );
                }
                ciel_storage::with_root_cert(&url, &path)
            }
            None => url,
        };
        if let Err(why) = ciel_storage::connect::split(&url) {
            self.problem("DATABASE_URL", why);
        }
        SecretString::from(url)
    }
}
