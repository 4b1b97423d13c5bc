//! `HeldTx`: a transaction a test keeps open on its own connection (e.g. holding a table lock
//! so that the app's queries wait), committed when the test releases it.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

/// An open transaction on a connection of the test's own (not from the app's pool).
pub struct HeldTx {
    conn: AsyncPgConnection,
}

impl HeldTx {
    /// Connects to `url`, runs `BEGIN` and then `sql`, and keeps the transaction open.
    pub async fn begin(url: &str, sql: &str) -> Self {
        let mut conn = AsyncPgConnection::establish(url)
            .await
            .unwrap_or_else(|e| panic!("connecting for a held transaction: {e}"));
        conn.batch_execute(&format!("BEGIN; {sql}"))
            .await
            .unwrap_or_else(|e| panic!("held transaction SQL failed: {e}\n{sql}"));
        Self { conn }
    }

    /// Commits, releasing whatever the transaction held.
    pub async fn release(mut self) {
        self.conn
            .batch_execute("COMMIT")
            .await
            .unwrap_or_else(|e| panic!("committing the held transaction: {e}"));
    }
}
