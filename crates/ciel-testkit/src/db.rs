//! Per-test databases cloned from a migrated template: fast (one `CREATE DATABASE … TEMPLATE`),
//! isolated, and safe in parallel. A database is dropped when its test passes and kept when it
//! fails, for debugging.

use crate::env::{service_var, unique_name, workspace_root};
use crate::services::ServiceKind;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Serialises template creation across test processes sharing one Postgres.
const TEMPLATE_LOCK_KEY: i64 = 0x6369_656c_7470_6c31;

/// A database that belongs to one test.
pub struct TestDb {
    name: String,
    url: String,
    admin_url: String,
}

#[derive(diesel::QueryableByName)]
struct Datname {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    datname: String,
}

fn server_url() -> String {
    let url = service_var(ServiceKind::Postgres, "DATABASE_URL");
    match url.rsplit_once('/') {
        Some((server, _db)) => server.to_owned(),
        None => url,
    }
}

/// The template's name changes whenever any migration file changes, so a stale template is
/// never reused.
fn template_name() -> String {
    let dir = workspace_root().join("migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for path in files {
        path.strip_prefix(&dir).unwrap_or(&path).hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    format!("ciel_template_{:016x}", hasher.finish())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

async fn admin_connection(admin_url: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test Postgres at {admin_url}: {e}"))
}

async fn ensure_template(admin_url: &str, server: &str, template: &str) {
    let mut conn = admin_connection(admin_url).await;
    diesel::sql_query(format!(
        "SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})::text"
    ))
    .execute(&mut conn)
    .await
    .expect("template lock");
    let existing: Vec<Datname> =
        diesel::sql_query("SELECT datname::text FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(template)
            .load(&mut conn)
            .await
            .expect("list databases");
    if existing.is_empty() {
        let building = format!("{template}_building");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .expect("drop half-built template");
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .await
            .expect("create template");
        ciel_storage::run_pending(&format!("{server}/{building}"))
            .await
            .unwrap_or_else(|e| panic!("migrating the test template failed: {e}"));
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&mut conn)
            .await
            .expect("publish template");
    }
    diesel::sql_query(format!(
        "SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})::text"
    ))
    .execute(&mut conn)
    .await
    .expect("template unlock");
}

impl TestDb {
    /// A fresh database with every migration applied.
    pub async fn migrated() -> Self {
        let server = server_url();
        let admin_url = format!("{server}/postgres");
        let template = template_name();
        ensure_template(&admin_url, &server, &template).await;
        Self::create(server, admin_url, Some(&template)).await
    }

    /// A fresh, empty database (no migrations), e.g. to test the migrations themselves.
    pub async fn empty() -> Self {
        let server = server_url();
        let admin_url = format!("{server}/postgres");
        Self::create(server, admin_url, None).await
    }

    async fn create(server: String, admin_url: String, template: Option<&str>) -> Self {
        let name = unique_name("ciel_test");
        let mut conn = admin_connection(&admin_url).await;
        let sql = match template {
            Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
            None => format!("CREATE DATABASE {name}"),
        };
        diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        Self {
            url: format!("{server}/{name}"),
            name,
            admin_url,
        }
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs SQL (fixtures; several statements allowed) against this database; panics with the error on failure.
    pub async fn run_sql(&self, sql: &str) {
        let mut conn = AsyncPgConnection::establish(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name));
        diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, sql)
            .await
            .unwrap_or_else(|e| panic!("fixture SQL failed: {e}\n{sql}"));
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "test failed: keeping database {} ({}) for inspection",
                self.name, self.url
            );
            return;
        }
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside async context; use a short-lived runtime on its own thread.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = AsyncPgConnection::establish(&admin_url).await.ok()?;
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!(
                "could not drop test database {}; it will go with the cluster",
                self.name
            );
        }
    }
}
