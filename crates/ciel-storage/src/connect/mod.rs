//! Every connection to Postgres (the pool, migrations, tools) is made here, honouring libpq's
//! `sslmode` (`disable|allow|prefer|require|verify-ca|verify-full`, default `prefer`) and
//! `sslrootcert` (a PEM file, or `system`) over rustls.
//!
//! Certificate checks follow libpq: `prefer` and `require` encrypt without checking the
//! certificate — except that `require` with a root certificate checks the chain, as libpq does
//! when its root file exists —, `verify-ca` checks the chain, `verify-full` the chain and that
//! the certificate names the host. Roots are the `sslrootcert` file alone when one is given
//! (`DATABASE_CA_CERT` adds one to the URL, see [`with_root_cert`]), else the platform's store.

mod sslmode;
mod stream;
mod verify;

pub use sslmode::{RootCert, SslMode, TlsSettings, split, with_root_cert};

use diesel::ConnectionError;
use diesel_async::AsyncPgConnection;
use stream::MakeRustls;
use verify::Check;

/// Opens one diesel-async connection to `conninfo` (a `postgres://` URL or a libpq key/value
/// string), over TLS as its `sslmode` says.
pub async fn establish(conninfo: &str) -> Result<AsyncPgConnection, ConnectionError> {
    let settings = split(conninfo).map_err(ConnectionError::InvalidConnectionUrl)?;
    let config: tokio_postgres::Config = settings
        .rest
        .parse()
        .map_err(|e: tokio_postgres::Error| ConnectionError::InvalidConnectionUrl(e.to_string()))?;
    let root = settings.root_cert.clone().unwrap_or(RootCert::System);
    let check = Check::of(settings.mode, settings.root_cert.is_some());
    match settings.mode {
        SslMode::Disable => plain(config).await,
        SslMode::Allow => match plain(config.clone()).await {
            Ok(conn) => Ok(conn),
            // libpq: plain first, TLS when the server refuses plain.
            Err(_) => {
                tls(
                    config,
                    tokio_postgres::config::SslMode::Require,
                    check,
                    &root,
                    settings.mode,
                )
                .await
            }
        },
        SslMode::Prefer => {
            tls(
                config,
                tokio_postgres::config::SslMode::Prefer,
                check,
                &root,
                settings.mode,
            )
            .await
        }
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            tls(
                config,
                tokio_postgres::config::SslMode::Require,
                check,
                &root,
                settings.mode,
            )
            .await
        }
    }
}

async fn plain(mut config: tokio_postgres::Config) -> Result<AsyncPgConnection, ConnectionError> {
    config.ssl_mode(tokio_postgres::config::SslMode::Disable);
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| failed(SslMode::Disable, &e))?;
    AsyncPgConnection::try_from_client_and_connection(client, connection).await
}

async fn tls(
    mut config: tokio_postgres::Config,
    negotiate: tokio_postgres::config::SslMode,
    check: Check,
    root: &RootCert,
    mode: SslMode,
) -> Result<AsyncPgConnection, ConnectionError> {
    let tls_config = verify::client_config(check, root).map_err(|e| {
        ConnectionError::BadConnection(format!("Postgres TLS (sslmode={mode}): {e}"))
    })?;
    config.ssl_mode(negotiate);
    let (client, connection) = config
        .connect(MakeRustls::new(tls_config))
        .await
        .map_err(|e| failed(mode, &e))?;
    AsyncPgConnection::try_from_client_and_connection(client, connection).await
}

/// The error with its whole cause chain (tokio-postgres keeps the TLS reason in `source`).
fn failed(mode: SslMode, e: &tokio_postgres::Error) -> ConnectionError {
    let mut message = format!("connecting to Postgres (sslmode={mode}): {e}");
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    ConnectionError::BadConnection(message)
}
