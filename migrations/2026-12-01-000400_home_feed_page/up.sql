-- The home feed page (contract §3.2) as one function, so the hot query is a single prepared
-- statement whose cost is bounded by the follow count and the page size, never by the number of
-- posts. plpgsql caches the plan of its query per session (diesel caches the calling statement).
--
--   home_feed_page(viewer, before_ts, before_id, lim)
--     The first `lim` posts, newest first (created_at DESC, id DESC), strictly after the cursor
--     (before_ts, before_id) when one is given (NULLs = first page), of the viewer and the users
--     the viewer follows — all visibilities (following implies access) — excluding owners that
--     are soft-deleted or in a block with the viewer in either direction. Each row carries what a
--     response shows of the owner and the post's media ids in position order.
--
-- Plan (per-author top-N merge, two index probes per author at most, over
-- posts_owner_created_idx (owner_id, created_at DESC, id DESC)):
--   1. authors: the viewer plus followees, filtered by deleted_at and blocks (primary keys).
--   2. heads:   per author, the newest post key before the cursor (LIMIT 1 probe, index only).
--   3. bound:   the lim-th newest head. At least `lim` eligible posts are at or after it, so
--               every post of the page is too: authors whose head is older are skipped, and the
--               others are read only down to the bound (LIMIT lim each).
--   4. merge:   top `lim` of the candidates; then posts/users/post_media for those rows only.

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
    WITH authors AS MATERIALIZED (
        SELECT a.author
          FROM (SELECT viewer AS author
                UNION ALL
                SELECT f.followee_id FROM follows f WHERE f.follower_id = viewer) a
         -- A correlated primary-key probe per author (a join would let the planner hash
         -- the whole users table).
         WHERE (SELECT u.deleted_at FROM users u WHERE u.id = a.author) IS NULL
           AND NOT EXISTS (SELECT 1 FROM blocks b
                            WHERE b.blocker_id = viewer AND b.blocked_id = a.author)
           AND NOT EXISTS (SELECT 1 FROM blocks b
                            WHERE b.blocker_id = a.author AND b.blocked_id = viewer)
    ),
    heads AS MATERIALIZED (
        SELECT a.author, h.created_at AS head
          FROM authors a
         CROSS JOIN LATERAL (
               SELECT p.created_at
                 FROM posts p
                WHERE p.owner_id = a.author
                  AND (p.created_at, p.id) < (cur_ts, cur_id)
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT 1) h
    ),
    bound AS (
        SELECT coalesce((SELECT hh.head FROM heads hh ORDER BY hh.head DESC OFFSET lim - 1 LIMIT 1),
                        '-infinity'::timestamptz) AS t
    ),
    page AS (
        SELECT c.id, c.created_at
          FROM heads h
         CROSS JOIN bound fl
         CROSS JOIN LATERAL (
               SELECT p.id, p.created_at
                 FROM posts p
                WHERE p.owner_id = h.author
                  AND (p.created_at, p.id) < (cur_ts, cur_id)
                  AND p.created_at >= fl.t
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT lim) c
         WHERE h.head >= fl.t
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
