-- The feed's first page reads only the index (expand, step 1 of 2): a unique index on the
-- timeline's key that also carries `author_id`, the one column the first-page read needs beyond
-- the key (to leave out soft-deleted and blocked authors). With it, a first page is an index-only
-- backward scan of the viewer's newest entries that stops at the page size: about 4 buffers,
-- where the key-only primary key made the planner fetch every one of the viewer's ~100 heap rows
-- (spread over as many pages as they were written at different times) and sort them.
-- Migration 000600 makes this index the primary key.
--
-- Concurrently (the table holds ~100 rows per user), so this migration runs outside a
-- transaction (metadata.toml) and blocks no post or follow while it builds. A failed build
-- leaves an INVALID index of this name, and this migration fails again until an operator drops
-- it (`DROP INDEX CONCURRENTLY home_timeline_covering_idx`): on purpose no IF NOT EXISTS.
CREATE UNIQUE INDEX CONCURRENTLY home_timeline_covering_idx
    ON home_timeline (viewer_id, created_at, post_id) INCLUDE (author_id);
