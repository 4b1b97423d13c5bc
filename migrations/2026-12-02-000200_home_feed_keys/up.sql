-- The home feed as keys only: `home_feed_keys` returns the (id, created_at) of each post of a
-- page, in page order, with the same composition and order as `home_feed_page` (migrations
-- 000800 and 000900, which stay for the previous build: expand-only). The API renders each post
-- once into an in-process card shared by every feed that shows it and loads from `posts`,
-- `users` and `post_media` only the posts it holds no card for, so a miss costs this walk (index
-- only) instead of three primary-key probes per post of the page.
--
-- Soft-deleted authors are found through the partial index `users_deleted_idx` (deleted users
-- only, near empty) instead of a probe of the users primary key per author.

CREATE FUNCTION home_feed_keys(viewer uuid, before_ts timestamptz, before_id uuid, lim integer)
RETURNS TABLE (post_id uuid, post_created_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    cur_ts timestamptz := coalesce(before_ts, 'infinity'::timestamptz);
    cur_id uuid := coalesce(before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid);
BEGIN
    IF before_ts IS NOT NULL THEN
        -- Later pages: one probe per followee before the cursor (no stored head answers it).
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
             WHERE NOT EXISTS (SELECT 1 FROM users u
                                WHERE u.id = s.author AND u.deleted_at IS NOT NULL)
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
        )
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
         LIMIT lim;
        RETURN;
    END IF;

    -- First page: the authors come newest head first straight from the follower's index
    -- (follows_follower_head_idx), fenced (OFFSET 0) so the eligibility checks run only until
    -- `lim` authors pass.
    RETURN QUERY
    WITH authors AS MATERIALIZED (
        (SELECT s.followee_id AS author, s.followee_head AS head
           FROM (SELECT f.followee_id, f.followee_head
                   FROM follows f
                  WHERE f.follower_id = viewer
                    AND f.followee_head IS NOT NULL
                    AND f.followee_id <> viewer
                  ORDER BY f.followee_head DESC
                 OFFSET 0) s
          WHERE NOT EXISTS (SELECT 1 FROM users u
                             WHERE u.id = s.followee_id AND u.deleted_at IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM blocks b
                             WHERE b.blocker_id = viewer AND b.blocked_id = s.followee_id)
            AND NOT EXISTS (SELECT 1 FROM blocks b
                             WHERE b.blocker_id = s.followee_id AND b.blocked_id = viewer)
          ORDER BY s.followee_head DESC
          FETCH FIRST lim ROWS WITH TIES)
        UNION ALL
        (SELECT viewer, p.created_at
           FROM posts p
          WHERE p.owner_id = viewer
          ORDER BY p.created_at DESC, p.id DESC
          LIMIT 1)
    ),
    bound AS (
        SELECT coalesce((SELECT aa.head FROM authors aa ORDER BY aa.head DESC
                          OFFSET lim - 1 LIMIT 1),
                        '-infinity'::timestamptz) AS t
    )
    SELECT c.id, c.created_at
      FROM authors a
     CROSS JOIN bound fl
     CROSS JOIN LATERAL (
           SELECT p.id, p.created_at
             FROM posts p
            WHERE p.owner_id = a.author
              AND p.created_at >= fl.t
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT lim) c
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT lim;
END;
$$;
