-- Back to migration 000800: no followee heads, the home feed page of that migration.

DROP TRIGGER IF EXISTS posts_followee_heads_delete ON posts;
DROP TRIGGER IF EXISTS posts_followee_heads_insert ON posts;
DROP TRIGGER IF EXISTS follows_followee_head ON follows;
DROP FUNCTION IF EXISTS posts_recompute_followee_heads();
DROP FUNCTION IF EXISTS posts_raise_followee_heads();
DROP FUNCTION IF EXISTS follows_take_followee_head();
DROP INDEX IF EXISTS follows_follower_head_idx;
ALTER TABLE follows DROP COLUMN IF EXISTS followee_head;

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
