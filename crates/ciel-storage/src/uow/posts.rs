//! `PostStore` on a unit of work's connection: posts, their media, likes and comments.

use super::PgTx;
use async_trait::async_trait;
use ciel_domain::ports::PostStore;

#[async_trait]
impl PostStore for PgTx<'_> {}
