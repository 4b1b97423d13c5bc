//! `GraphStore` on a unit of work's connection: users as actors, follow and block edges.

use super::PgTx;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use ciel_domain::UserId;
use ciel_domain::notifications::Actor;
use ciel_domain::ports::{GraphStore, RepoError};
use ciel_schema::users;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

#[async_trait]
impl GraphStore for PgTx<'_> {
    async fn active_user(&mut self, id: UserId) -> Result<Option<Actor>, RepoError> {
        users::table
            .filter(users::id.eq(id.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((users::id, users::handle, users::display_name))
            .first::<(Uuid, String, String)>(self.conn)
            .await
            .optional()
            .map(|row| {
                row.map(|(id, handle, display_name)| Actor {
                    id: UserId::from(id),
                    handle,
                    display_name,
                })
            })
            .map_err(repo_error)
    }
}
