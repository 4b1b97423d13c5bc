//! `StoryStore` on a unit of work's connection: stories, views, reactions and highlights.
//! Viewer-facing reads filter with the one visibility predicate (`story_visibility`); counters
//! change in the same transaction as the row they count, and only when that row was really
//! added or removed, so they always equal the rows.

use super::PgTx;
use super::story_rows::{
    HIGHLIGHT_COLUMNS, HighlightRow, STORY_COLUMNS, StoryRow, highlight_from_row, story_from_row,
};
use super::story_visibility::story_visible_to;
use crate::enums::PgStoryVisibility;
use crate::repos::errors::repo_error;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ciel_domain::ports::{RepoError, StoryStore};
use ciel_domain::stories::{
    METRICS_VIEWER_IDS, NewStory, ReactionWrite, Story, StoryHighlight, StoryMetrics,
    StoryReaction, StoryViewer,
};
use ciel_domain::time::Timestamp;
use ciel_domain::{Cursor, Page, PageRequest, ReactionId, StoryId, UserId};
use ciel_schema::{
    follows, stories, story_highlight_items, story_highlights, story_reactions, story_views, users,
};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// How often a reaction write retries when a concurrent delete removed the row it conflicted
/// with between its insert and its update.
const REACTION_ATTEMPTS: usize = 3;

fn story_key(s: &Story) -> Cursor {
    Cursor {
        ts: s.created_at,
        id: s.id.as_uuid(),
    }
}

#[async_trait]
impl StoryStore for PgTx<'_> {
    async fn insert_story(&mut self, story: &NewStory) -> Result<StoryId, RepoError> {
        diesel::insert_into(stories::table)
            .values((
                stories::user_id.eq(story.user_id.as_uuid()),
                stories::media_id.eq(story.media_id.as_uuid()),
                stories::caption.eq(story.caption.as_deref()),
                stories::visibility.eq(PgStoryVisibility(story.visibility)),
                stories::created_at.eq(story.created_at),
                stories::expires_at.eq(story.expires_at),
            ))
            .returning(stories::id)
            .get_result::<Uuid>(self.conn)
            .await
            .map(StoryId::from)
            .map_err(repo_error)
    }

    async fn visible_story(
        &mut self,
        viewer: Option<UserId>,
        id: StoryId,
        now: Timestamp,
    ) -> Result<Option<Story>, RepoError> {
        stories::table
            .inner_join(users::table)
            .filter(story_visible_to(viewer.map(|v| v.as_uuid()), now))
            .filter(stories::id.eq(id.as_uuid()))
            .select(STORY_COLUMNS)
            .first::<StoryRow>(self.conn)
            .await
            .optional()
            .map(|row| row.map(story_from_row))
            .map_err(repo_error)
    }

    async fn owned_story(
        &mut self,
        owner: UserId,
        id: StoryId,
    ) -> Result<Option<Story>, RepoError> {
        stories::table
            .inner_join(users::table)
            .filter(stories::id.eq(id.as_uuid()))
            .filter(stories::user_id.eq(owner.as_uuid()))
            .select(STORY_COLUMNS)
            .first::<StoryRow>(self.conn)
            .await
            .optional()
            .map(|row| row.map(story_from_row))
            .map_err(repo_error)
    }

    async fn delete_story(&mut self, owner: UserId, id: StoryId) -> Result<bool, RepoError> {
        diesel::delete(
            stories::table
                .filter(stories::id.eq(id.as_uuid()))
                .filter(stories::user_id.eq(owner.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map(|n| n > 0)
        .map_err(repo_error)
    }

    async fn user_stories(
        &mut self,
        viewer: UserId,
        user: UserId,
        page: PageRequest,
        now: Timestamp,
    ) -> Result<Page<Story>, RepoError> {
        let mut query = stories::table
            .inner_join(users::table)
            .filter(story_visible_to(Some(viewer.as_uuid()), now))
            .filter(stories::user_id.eq(user.as_uuid()))
            .select(STORY_COLUMNS)
            .order((stories::created_at.asc(), stories::id.asc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                stories::created_at
                    .gt(c.ts)
                    .or(stories::created_at.eq(c.ts).and(stories::id.gt(c.id))),
            );
        }
        let rows: Vec<StoryRow> = query.load(self.conn).await.map_err(repo_error)?;
        let items = rows.into_iter().map(story_from_row).collect();
        Ok(Page::from_lookahead(items, page.limit, story_key))
    }

    async fn stories_feed(
        &mut self,
        viewer: UserId,
        page: PageRequest,
        now: Timestamp,
    ) -> Result<Page<Story>, RepoError> {
        let followed = follows::table
            .filter(follows::follower_id.eq(viewer.as_uuid()))
            .select(follows::followee_id);
        let mut query = stories::table
            .inner_join(users::table)
            .filter(story_visible_to(Some(viewer.as_uuid()), now))
            .filter(stories::user_id.eq_any(followed))
            .select(STORY_COLUMNS)
            .order((stories::created_at.desc(), stories::id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                stories::created_at
                    .lt(c.ts)
                    .or(stories::created_at.eq(c.ts).and(stories::id.lt(c.id))),
            );
        }
        let rows: Vec<StoryRow> = query.load(self.conn).await.map_err(repo_error)?;
        let items = rows.into_iter().map(story_from_row).collect();
        Ok(Page::from_lookahead(items, page.limit, story_key))
    }

    async fn record_view(
        &mut self,
        story: StoryId,
        viewer: UserId,
        now: Timestamp,
    ) -> Result<bool, RepoError> {
        let added = diesel::insert_into(story_views::table)
            .values((
                story_views::story_id.eq(story.as_uuid()),
                story_views::viewer_id.eq(viewer.as_uuid()),
                story_views::viewed_at.eq(now),
            ))
            .on_conflict((story_views::story_id, story_views::viewer_id))
            .do_nothing()
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        if added == 0 {
            return Ok(false);
        }
        diesel::update(stories::table.filter(stories::id.eq(story.as_uuid())))
            .set(stories::view_count.eq(stories::view_count + 1))
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(true)
    }

    async fn story_viewers(
        &mut self,
        story: StoryId,
        page: PageRequest,
    ) -> Result<Page<StoryViewer>, RepoError> {
        let mut query = story_views::table
            .inner_join(users::table)
            .filter(story_views::story_id.eq(story.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((
                story_views::viewer_id,
                users::handle,
                users::display_name,
                users::avatar_key,
                story_views::viewed_at,
            ))
            .order((story_views::viewed_at.desc(), story_views::viewer_id.desc()))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                story_views::viewed_at.lt(c.ts).or(story_views::viewed_at
                    .eq(c.ts)
                    .and(story_views::viewer_id.lt(c.id))),
            );
        }
        let rows: Vec<(Uuid, String, String, Option<String>, DateTime<Utc>)> =
            query.load(self.conn).await.map_err(repo_error)?;
        let items = rows
            .into_iter()
            .map(
                |(id, handle, display_name, avatar, viewed_at)| StoryViewer {
                    viewer_id: UserId::from(id),
                    viewer_handle: Some(handle),
                    viewer_display_name: Some(display_name),
                    viewer_avatar_key: avatar,
                    viewed_at,
                },
            )
            .collect();
        Ok(Page::from_lookahead(
            items,
            page.limit,
            |v: &StoryViewer| Cursor {
                ts: v.viewed_at,
                id: v.viewer_id.as_uuid(),
            },
        ))
    }

    async fn upsert_reaction(
        &mut self,
        story: StoryId,
        user: UserId,
        emoji: &str,
        now: Timestamp,
    ) -> Result<(StoryReaction, ReactionWrite), RepoError> {
        let reaction = |(id, created_at): (Uuid, DateTime<Utc>)| StoryReaction {
            id: ReactionId::from(id),
            story_id: story,
            user_id: user,
            user_handle: None,
            emoji: emoji.to_owned(),
            created_at,
        };
        for _ in 0..REACTION_ATTEMPTS {
            let added: Option<(Uuid, DateTime<Utc>)> = diesel::insert_into(story_reactions::table)
                .values((
                    story_reactions::story_id.eq(story.as_uuid()),
                    story_reactions::user_id.eq(user.as_uuid()),
                    story_reactions::emoji.eq(emoji),
                    story_reactions::created_at.eq(now),
                ))
                .on_conflict((story_reactions::story_id, story_reactions::user_id))
                .do_nothing()
                .returning((story_reactions::id, story_reactions::created_at))
                .get_result(self.conn)
                .await
                .optional()
                .map_err(repo_error)?;
            if let Some(row) = added {
                diesel::update(stories::table.filter(stories::id.eq(story.as_uuid())))
                    .set(stories::reaction_count.eq(stories::reaction_count + 1))
                    .execute(self.conn)
                    .await
                    .map_err(repo_error)?;
                return Ok((reaction(row), ReactionWrite::Added));
            }
            // The user has a reaction: give it the new emoji (its key stays, so pages stay
            // stable). None when a concurrent delete removed it meanwhile: insert again.
            let replaced: Option<(Uuid, DateTime<Utc>)> = diesel::update(
                story_reactions::table
                    .filter(story_reactions::story_id.eq(story.as_uuid()))
                    .filter(story_reactions::user_id.eq(user.as_uuid())),
            )
            .set(story_reactions::emoji.eq(emoji))
            .returning((story_reactions::id, story_reactions::created_at))
            .get_result(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
            if let Some(row) = replaced {
                return Ok((reaction(row), ReactionWrite::Replaced));
            }
        }
        Err(RepoError::Unavailable(
            "story reaction kept changing under concurrent writes".into(),
        ))
    }

    async fn delete_reaction(&mut self, story: StoryId, user: UserId) -> Result<bool, RepoError> {
        let removed = diesel::delete(
            story_reactions::table
                .filter(story_reactions::story_id.eq(story.as_uuid()))
                .filter(story_reactions::user_id.eq(user.as_uuid())),
        )
        .execute(self.conn)
        .await
        .map_err(repo_error)?;
        if removed == 0 {
            return Ok(false);
        }
        diesel::update(
            stories::table
                .filter(stories::id.eq(story.as_uuid()))
                .filter(stories::reaction_count.gt(0)),
        )
        .set(stories::reaction_count.eq(stories::reaction_count - 1))
        .execute(self.conn)
        .await
        .map_err(repo_error)?;
        Ok(true)
    }

    async fn story_reactions(
        &mut self,
        story: StoryId,
        page: PageRequest,
    ) -> Result<Page<StoryReaction>, RepoError> {
        let mut query = story_reactions::table
            .inner_join(users::table)
            .filter(story_reactions::story_id.eq(story.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select((
                story_reactions::id,
                story_reactions::user_id,
                users::handle,
                story_reactions::emoji,
                story_reactions::created_at,
            ))
            .order((
                story_reactions::created_at.desc(),
                story_reactions::id.desc(),
            ))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                story_reactions::created_at
                    .lt(c.ts)
                    .or(story_reactions::created_at
                        .eq(c.ts)
                        .and(story_reactions::id.lt(c.id))),
            );
        }
        let rows: Vec<(Uuid, Uuid, String, String, DateTime<Utc>)> =
            query.load(self.conn).await.map_err(repo_error)?;
        let items = rows
            .into_iter()
            .map(|(id, user, handle, emoji, created_at)| StoryReaction {
                id: ReactionId::from(id),
                story_id: story,
                user_id: UserId::from(user),
                user_handle: Some(handle),
                emoji,
                created_at,
            })
            .collect();
        Ok(Page::from_lookahead(
            items,
            page.limit,
            |r: &StoryReaction| Cursor {
                ts: r.created_at,
                id: r.id.as_uuid(),
            },
        ))
    }

    async fn story_metrics(&mut self, story: StoryId) -> Result<Option<StoryMetrics>, RepoError> {
        let counts: Option<(i32, i32)> = stories::table
            .filter(stories::id.eq(story.as_uuid()))
            .select((stories::view_count, stories::reaction_count))
            .first(self.conn)
            .await
            .optional()
            .map_err(repo_error)?;
        let Some((view_count, reaction_count)) = counts else {
            return Ok(None);
        };
        let reactions_by_emoji: Vec<(String, i64)> = story_reactions::table
            .filter(story_reactions::story_id.eq(story.as_uuid()))
            .group_by(story_reactions::emoji)
            .select((story_reactions::emoji, count_star()))
            .order((count_star().desc(), story_reactions::emoji.asc()))
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        let viewer_ids: Vec<Uuid> = story_views::table
            .inner_join(users::table)
            .filter(story_views::story_id.eq(story.as_uuid()))
            .filter(users::deleted_at.is_null())
            .order((story_views::viewed_at.desc(), story_views::viewer_id.desc()))
            .select(story_views::viewer_id)
            .limit(METRICS_VIEWER_IDS)
            .load(self.conn)
            .await
            .map_err(repo_error)?;
        Ok(Some(StoryMetrics {
            story_id: story,
            view_count,
            reaction_count,
            reactions_by_emoji,
            viewer_ids: viewer_ids.into_iter().map(UserId::from).collect(),
        }))
    }

    async fn add_to_highlight(
        &mut self,
        owner: UserId,
        name: &str,
        story: StoryId,
        now: Timestamp,
    ) -> Result<StoryHighlight, RepoError> {
        diesel::insert_into(story_highlights::table)
            .values((
                story_highlights::user_id.eq(owner.as_uuid()),
                story_highlights::name.eq(name),
                story_highlights::created_at.eq(now),
                story_highlights::updated_at.eq(now),
            ))
            .on_conflict((story_highlights::user_id, story_highlights::name))
            .do_nothing()
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        // The row lock orders concurrent appends to one highlight (positions stay distinct).
        let (highlight, cover): (Uuid, Option<Uuid>) = story_highlights::table
            .filter(story_highlights::user_id.eq(owner.as_uuid()))
            .filter(story_highlights::name.eq(name))
            .select((story_highlights::id, story_highlights::cover_story_id))
            .for_update()
            .first(self.conn)
            .await
            .map_err(repo_error)?;
        let last: Option<i32> = story_highlight_items::table
            .filter(story_highlight_items::highlight_id.eq(highlight))
            .select(max(story_highlight_items::position))
            .first(self.conn)
            .await
            .map_err(repo_error)?;
        let added = diesel::insert_into(story_highlight_items::table)
            .values((
                story_highlight_items::highlight_id.eq(highlight),
                story_highlight_items::story_id.eq(story.as_uuid()),
                story_highlight_items::position.eq(last.map_or(0, |p| p + 1)),
                story_highlight_items::added_at.eq(now),
            ))
            .on_conflict((
                story_highlight_items::highlight_id,
                story_highlight_items::story_id,
            ))
            .do_nothing()
            .execute(self.conn)
            .await
            .map_err(repo_error)?;
        let target = story_highlights::table.filter(story_highlights::id.eq(highlight));
        let row: HighlightRow = if added > 0 {
            diesel::update(target)
                .set((
                    story_highlights::cover_story_id.eq(cover.or(Some(story.as_uuid()))),
                    story_highlights::updated_at.eq(now),
                ))
                .returning(HIGHLIGHT_COLUMNS)
                .get_result(self.conn)
                .await
        } else {
            target.select(HIGHLIGHT_COLUMNS).first(self.conn).await
        }
        .map_err(repo_error)?;
        Ok(highlight_from_row(row))
    }

    async fn user_highlights(
        &mut self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<StoryHighlight>, RepoError> {
        let mut query = story_highlights::table
            .inner_join(users::table)
            .filter(story_highlights::user_id.eq(user.as_uuid()))
            .filter(users::deleted_at.is_null())
            .select(HIGHLIGHT_COLUMNS)
            .order((
                story_highlights::created_at.asc(),
                story_highlights::id.asc(),
            ))
            .limit(page.limit.fetch_count())
            .into_boxed();
        if let Some(c) = page.after {
            query = query.filter(
                story_highlights::created_at
                    .gt(c.ts)
                    .or(story_highlights::created_at
                        .eq(c.ts)
                        .and(story_highlights::id.gt(c.id))),
            );
        }
        let rows: Vec<HighlightRow> = query.load(self.conn).await.map_err(repo_error)?;
        let items = rows.into_iter().map(highlight_from_row).collect();
        Ok(Page::from_lookahead(
            items,
            page.limit,
            |h: &StoryHighlight| Cursor {
                ts: h.created_at,
                id: h.id.as_uuid(),
            },
        ))
    }
}
