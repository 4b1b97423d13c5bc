//! TLS to Postgres as libpq documents `sslmode`: a throwaway server with `ssl=on` and a
//! certificate made here (for `localhost`, signed by a CA made here), and the test Postgres
//! without TLS; `pg_stat_ssl` says whether the backend really runs over TLS.

use ciel_storage::establish;
use ciel_testkit::{DedicatedPostgres, TestDb};
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use std::path::PathBuf;

/// A CA, and a server certificate for `localhost` only (not `127.0.0.1`) signed by it.
struct Pki {
    ca_pem: String,
    server_pem: String,
    server_key_pem: String,
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn pki() -> Pki {
    let ca = new_ca("ciel test CA");
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_pem: cert.pem(),
        server_key_pem: key.serialize_pem(),
    }
}

/// Writes `pem` to a file of its own and returns its path.
fn pem_file(name: &str, pem: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(ciel_testkit::unique_name("ciel-tls"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pem).unwrap();
    path
}

fn with(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

#[derive(diesel::QueryableByName)]
struct Ssl {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

/// Whether this connection's backend runs over TLS.
async fn over_tls(conn: &mut AsyncPgConnection) -> bool {
    diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .get_result::<Ssl>(conn)
        .await
        .unwrap()
        .ssl
}

async fn connects_over_tls(url: &str) -> bool {
    let mut conn = establish(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    over_tls(&mut conn).await
}

async fn refused(url: &str) -> String {
    match establish(url).await {
        Ok(_) => panic!("{url} connected"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn sslmodes_against_a_server_with_tls() {
    let pki = pki();
    let server = DedicatedPostgres::start(
        &[
            ("ssl", "on"),
            ("ssl_cert_file", "server.crt"),
            ("ssl_key_file", "server.key"),
        ],
        &[
            ("server.crt", pki.server_pem.as_bytes()),
            ("server.key", pki.server_key_pem.as_bytes()),
        ],
    )
    .await;
    let ca = pem_file("ca.pem", &pki.ca_pem);
    let other_ca = pem_file("other-ca.pem", &new_ca("someone else's CA").pem());
    let by_name = server.url("localhost");
    let by_ip = server.url("127.0.0.1");
    let root = |path: &PathBuf| format!("sslrootcert={}", path.display());

    // require: encrypted, the certificate unchecked (libpq without a root certificate).
    assert!(connects_over_tls(&with(&by_ip, "sslmode=require")).await);
    // prefer (and no sslmode at all, libpq's default) uses TLS when offered.
    assert!(connects_over_tls(&with(&by_ip, "sslmode=prefer")).await);
    assert!(connects_over_tls(&by_ip).await);
    // disable: plain, even though the server offers TLS.
    assert!(!connects_over_tls(&with(&by_ip, "sslmode=disable")).await);

    // verify-full with the right CA and the name in the certificate.
    assert!(
        connects_over_tls(&with(
            &by_name,
            &format!("sslmode=verify-full&{}", root(&ca))
        ))
        .await
    );
    // verify-full refuses a certificate from another CA…
    let e = refused(&with(
        &by_name,
        &format!("sslmode=verify-full&{}", root(&other_ca)),
    ))
    .await;
    assert!(
        e.contains("sslmode=verify-full") && e.contains("UnknownIssuer"),
        "a clear reason: {e}"
    );
    // …and a host the certificate does not name.
    let e = refused(&with(&by_ip, &format!("sslmode=verify-full&{}", root(&ca)))).await;
    assert!(
        e.contains("sslmode=verify-full") && e.contains("not valid for name"),
        "a clear reason: {e}"
    );
    // …and, with no root certificate given, one the system roots do not vouch for.
    let e = refused(&with(&by_name, "sslmode=verify-full")).await;
    assert!(
        e.contains("UnknownIssuer") || e.contains("no system root"),
        "{e}"
    );

    // verify-ca checks the chain but not the name.
    assert!(connects_over_tls(&with(&by_ip, &format!("sslmode=verify-ca&{}", root(&ca)))).await);
    let e = refused(&with(
        &by_ip,
        &format!("sslmode=verify-ca&{}", root(&other_ca)),
    ))
    .await;
    assert!(e.contains("UnknownIssuer"), "{e}");
    // require with a root certificate checks the chain, as libpq does when its root file exists.
    let e = refused(&with(
        &by_ip,
        &format!("sslmode=require&{}", root(&other_ca)),
    ))
    .await;
    assert!(e.contains("UnknownIssuer"), "{e}");

    // DATABASE_CA_CERT's route: the CA added to a URL that names none.
    let url =
        ciel_storage::with_root_cert(&with(&by_name, "sslmode=verify-full"), ca.to_str().unwrap());
    assert!(connects_over_tls(&url).await);

    // The pool and the migrations connect the same way.
    let pool = ciel_storage::connect_pool(
        &with(&by_name, &format!("sslmode=verify-full&{}", root(&ca))),
        &ciel_storage::PoolSettings::default(),
    )
    .unwrap();
    let mut pooled = pool.get().await.unwrap();
    assert!(over_tls(&mut pooled).await);
    drop(pooled);
    let report = ciel_storage::run_pending(&with(
        &by_name,
        &format!("sslmode=verify-full&{}", root(&ca)),
    ))
    .await
    .unwrap();
    assert!(!report.versions.is_empty(), "migrations ran over TLS");
    let e = ciel_storage::run_pending(&with(&by_ip, &format!("sslmode=verify-full&{}", root(&ca))))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not valid for name"), "{e}");
}

#[tokio::test]
async fn sslmodes_against_a_server_without_tls() {
    let db = TestDb::empty().await;
    // prefer falls back to plain; disable is plain.
    assert!(!connects_over_tls(&with(db.url(), "sslmode=prefer")).await);
    assert!(!connects_over_tls(db.url()).await);
    assert!(!connects_over_tls(&with(db.url(), "sslmode=disable")).await);
    assert!(!connects_over_tls(&with(db.url(), "sslmode=allow")).await);
    // require and stricter refuse a server that cannot do TLS.
    for mode in ["require", "verify-ca", "verify-full"] {
        let e = refused(&with(db.url(), &format!("sslmode={mode}"))).await;
        assert!(
            e.contains(&format!("sslmode={mode}")) && e.contains("TLS"),
            "a clear reason: {e}"
        );
    }
}
