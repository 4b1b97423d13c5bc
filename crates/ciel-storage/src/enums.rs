//! The Postgres enums `post_visibility`, `story_visibility` and `media_upload_status` mapped to
//! the domain's types (through newtypes: neither the SQL types nor the domain types belong to this
//! crate).

use ciel_domain::uploads::UploadStatus;
use ciel_domain::visibility::{PostVisibility, StoryVisibility};
use ciel_schema::sql_types;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use std::io::Write;

/// A `post_visibility` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::PostVisibility)]
pub struct PgPostVisibility(pub PostVisibility);

/// A `story_visibility` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::StoryVisibility)]
pub struct PgStoryVisibility(pub StoryVisibility);

fn unknown(kind: &str, raw: &[u8]) -> Box<dyn std::error::Error + Send + Sync> {
    format!("unknown {kind} value {:?}", String::from_utf8_lossy(raw)).into()
}

impl ToSql<sql_types::PostVisibility, Pg> for PgPostVisibility {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(match self.0 {
            PostVisibility::Public => b"public",
            PostVisibility::FollowersOnly => b"followers_only",
        })?;
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::PostVisibility, Pg> for PgPostVisibility {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        match bytes.as_bytes() {
            b"public" => Ok(Self(PostVisibility::Public)),
            b"followers_only" => Ok(Self(PostVisibility::FollowersOnly)),
            other => Err(unknown("post_visibility", other)),
        }
    }
}

impl ToSql<sql_types::StoryVisibility, Pg> for PgStoryVisibility {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(match self.0 {
            StoryVisibility::Public => b"public",
            StoryVisibility::FriendsOnly => b"friends_only",
            StoryVisibility::CloseFriendsOnly => b"close_friends_only",
        })?;
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::StoryVisibility, Pg> for PgStoryVisibility {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        match bytes.as_bytes() {
            b"public" => Ok(Self(StoryVisibility::Public)),
            b"friends_only" => Ok(Self(StoryVisibility::FriendsOnly)),
            b"close_friends_only" => Ok(Self(StoryVisibility::CloseFriendsOnly)),
            other => Err(unknown("story_visibility", other)),
        }
    }
}

/// A `media_upload_status` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = sql_types::MediaUploadStatus)]
pub struct PgUploadStatus(pub UploadStatus);

impl ToSql<sql_types::MediaUploadStatus, Pg> for PgUploadStatus {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<sql_types::MediaUploadStatus, Pg> for PgUploadStatus {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        Ok(Self(match bytes.as_bytes() {
            b"pending" => UploadStatus::Pending,
            b"uploaded" => UploadStatus::Uploaded,
            b"processing" => UploadStatus::Processing,
            b"failed" => UploadStatus::Failed,
            b"completed" => UploadStatus::Completed,
            other => return Err(unknown("media_upload_status", other)),
        }))
    }
}
