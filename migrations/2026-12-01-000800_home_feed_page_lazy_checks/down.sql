-- Back to the function of migration 2026-12-01-000400 (eligibility checked for every author).

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
