//! `StoryStore` on a unit of work's connection: stories, views, reactions and highlights.

use super::PgTx;
use async_trait::async_trait;
use ciel_domain::ports::StoryStore;

#[async_trait]
impl StoryStore for PgTx<'_> {}
