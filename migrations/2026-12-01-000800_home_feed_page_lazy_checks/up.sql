-- The home feed page, cheaper per miss: the authors' eligibility (not soft-deleted, no block
-- either way with the viewer) is checked lazily, newest head first, only until `lim` eligible
-- authors are found, instead of for every followee before the heads are read. Same rows, same
-- order as the version of migration 2026-12-01-000400 (a storage test compares the pages with a
-- reference composition); about one index probe per followee instead of four.
--
--   1. heads:   per author (viewer + followees), the newest post key before the cursor (LIMIT 1
--               probe, index only, over posts_owner_created_idx).
--   2. authors: heads newest first, kept while eligible (users primary key, blocks both ways),
--               the first `lim` of them WITH TIES. Following implies neither a block nor a
--               deleted followee (a block and an account deletion remove the edges), so these
--               checks are a guard that costs a few dozen probes, not one per followee.
--   3. bound:   the `lim`-th newest eligible head (-infinity when there are fewer). At least
--               `lim` eligible posts are at or after it, so every post of the page is; every
--               eligible author whose head reaches it is in `authors` (ties included).
--   4. merge:   per author of `authors`, posts between the bound and the cursor (LIMIT lim),
--               the top `lim`; then posts/users/post_media for those rows only.

CREATE OR REPLACE FUNCTION home_feed_page(viewer uuid, before_ts timestamptz, before_id uuid, lim integer)
RETURNS TABLE (
    post_id            uuid,
    post_owner_id      uuid,
    post_caption       text,
    post_visibility    post_visibility,
    post_created_at    timestamptz,
    owner_handle       text,
    owner_display_name text,
    owner_avatar_key   text,
    post_media_ids     uuid[]
)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    cur_ts timestamptz := coalesce(before_ts, 'infinity'::timestamptz);
    cur_id uuid := coalesce(before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid);
BEGIN
    RETURN QUERY
    WITH heads AS MATERIALIZED (
        SELECT a.author, h.created_at AS head
          FROM (SELECT viewer AS author
                UNION ALL
                SELECT f.followee_id FROM follows f WHERE f.follower_id = viewer) a
         CROSS JOIN LATERAL (
               SELECT p.created_at
                 FROM posts p
                WHERE p.owner_id = a.author
                  AND (p.created_at, p.id) < (cur_ts, cur_id)
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT 1) h
    ),
    authors AS MATERIALIZED (
        SELECT s.author, s.head
          FROM (SELECT hh.author, hh.head FROM heads hh ORDER BY hh.head DESC OFFSET 0) s
         WHERE (SELECT u.deleted_at FROM users u WHERE u.id = s.author) IS NULL
           AND NOT EXISTS (SELECT 1 FROM blocks b
                            WHERE b.blocker_id = viewer AND b.blocked_id = s.author)
           AND NOT EXISTS (SELECT 1 FROM blocks b
                            WHERE b.blocker_id = s.author AND b.blocked_id = viewer)
         ORDER BY s.head DESC
         FETCH FIRST lim ROWS WITH TIES
    ),
    bound AS (
        SELECT CASE WHEN count(*) >= lim THEN min(aa.head) ELSE '-infinity'::timestamptz END AS t
          FROM authors aa
    ),
    page AS (
        SELECT c.id, c.created_at
          FROM authors a
         CROSS JOIN bound fl
         CROSS JOIN LATERAL (
               SELECT p.id, p.created_at
                 FROM posts p
                WHERE p.owner_id = a.author
                  AND (p.created_at, p.id) < (cur_ts, cur_id)
                  AND p.created_at >= fl.t
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT lim) c
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT lim
    )
    SELECT p.id, p.owner_id, p.caption, p.visibility, p.created_at,
           u.handle, u.display_name, u.avatar_key,
           ARRAY(SELECT pm.media_id FROM post_media pm
                  WHERE pm.post_id = p.id ORDER BY pm.position)
      FROM page pg
      JOIN posts p ON p.id = pg.id
      JOIN users u ON u.id = p.owner_id
     ORDER BY pg.created_at DESC, pg.id DESC;
END;
$$;
