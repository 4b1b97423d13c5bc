-- Back to migration 000300: the feed reads only the per-followee merge.
DROP TRIGGER IF EXISTS follows_timeline_remove ON follows;
DROP TRIGGER IF EXISTS follows_timeline_copy ON follows;
DROP TRIGGER IF EXISTS posts_timeline_remove ON posts;
DROP TRIGGER IF EXISTS posts_timeline_fan_out ON posts;
DROP FUNCTION IF EXISTS follows_remove_from_timeline();
DROP FUNCTION IF EXISTS follows_copy_to_timeline();
DROP FUNCTION IF EXISTS posts_remove_from_timelines();
DROP FUNCTION IF EXISTS posts_fan_out_to_timelines();
DROP FUNCTION IF EXISTS home_timeline_trim(uuid, integer, integer);
DROP FUNCTION IF EXISTS home_timeline_rebuild();
DROP FUNCTION IF EXISTS raise_timeline_horizon(uuid, timestamptz);
CREATE OR REPLACE FUNCTION home_feed_keys(viewer uuid, before_ts timestamptz, before_id uuid, lim integer)
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

DROP FUNCTION IF EXISTS home_feed_merge_keys(uuid, timestamptz, uuid, integer);
DROP TABLE IF EXISTS home_timeline_horizon;
DROP TABLE IF EXISTS home_timeline;
DROP FUNCTION IF EXISTS timeline_keep();
