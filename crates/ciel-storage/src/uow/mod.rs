//! The unit-of-work adapter: [`PgUnitOfWork`] lends use cases a [`PgTx`] — every store trait
//! implemented over one Postgres connection — inside one transaction or, for reads, on one
//! pooled connection without `BEGIN`/`COMMIT`. One file per store implements its trait on
//! `PgTx`; they only read and write, the rules stay in `ciel-app`.

mod accounts;
mod block_lists;
mod devices;
mod feed;
mod graph;
mod head_repair;
mod invites;
mod maintenance;
mod media;
mod moderation;
mod notifications;
mod outbox;
mod post_visibility;
mod posts;
mod search;
mod sessions;
mod stories;
mod story_rows;
mod story_visibility;
mod timeline_trim;
mod trust;
mod uploads;

pub use maintenance::MAINTENANCE_LOCK_KEY;

use crate::pool::PgPool;
use crate::repos::errors::{pool_error, repo_error};
use async_trait::async_trait;
use ciel_domain::ports::{Tx, TxAbort, TxWork, UnitOfWork};
use diesel_async::{AsyncConnection, AsyncPgConnection};

pub use search::{explain_post_search, explain_user_search};

/// Every store, bound to one borrowed connection.
pub struct PgTx<'c> {
    pub(crate) conn: &'c mut AsyncPgConnection,
}

impl Tx for PgTx<'_> {}

/// Units of work over the pool.
#[derive(Clone)]
pub struct PgUnitOfWork {
    pool: PgPool,
}

impl PgUnitOfWork {
    /// Units of work over `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// Ends a transaction early: a query failed, or the work gave up.
enum Abort {
    Db(diesel::result::Error),
    Work(TxAbort),
}

impl From<diesel::result::Error> for Abort {
    fn from(err: diesel::result::Error) -> Self {
        Self::Db(err)
    }
}

#[async_trait]
impl UnitOfWork for PgUnitOfWork {
    async fn transaction(&self, work: TxWork) -> Result<(), TxAbort> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        conn.transaction::<(), Abort, _>(async move |conn| {
            let mut tx = PgTx { conn };
            work(&mut tx).await.map_err(Abort::Work)
        })
        .await
        .map_err(|abort| match abort {
            Abort::Db(err) => TxAbort::Repo(repo_error(err)),
            Abort::Work(abort) => abort,
        })
    }

    async fn connection(&self, work: TxWork) -> Result<(), TxAbort> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        let mut tx = PgTx { conn: &mut conn };
        work(&mut tx).await
    }
}
