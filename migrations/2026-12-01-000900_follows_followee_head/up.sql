-- The home feed's first page without one probe per followee: every follow edge carries the
-- followee's newest post time (`followee_head`), kept exact by triggers, and an index on
-- (follower_id, followee_head DESC) hands the feed its authors newest first. A first page then
-- reads about `lim` follow entries, `lim` author checks and `lim` short post ranges, whatever the
-- number of followees or posts (migration 000800 read one index probe per followee).
--
-- Exactness (READ COMMITTED):
--   * a new post raises the head of every edge to its author (AFTER INSERT, GREATEST);
--   * a deleted post that was the head recomputes it (AFTER DELETE; only edges whose head is
--     that post's time, so a concurrent newer post's raise is never overwritten: the row is
--     re-checked after the lock);
--   * a new edge takes the followee's newest post time (BEFORE INSERT).
-- Known gap here: a follow committed in the same instant as a post (or a deletion of the newest
-- post) by the followee does not see the other's uncommitted row, so that one edge's head can
-- be off until the followee's next post. Closing it with a lock on the followee's users row
-- deadlocked concurrent follows and unfollows of one pair (their use case already holds
-- row locks there). Closed by migration 2026-12-02-000100_followee_head_locks (a followee
-- advisory lock in these triggers); the cleanup step `feed_heads` repairs recent edges.
-- Expand-only: the column is nullable and the previous build never names it.
--
-- Bulk loads that insert many posts in one statement pay one UPDATE per post; they may run
-- with `SET session_replication_role = replica` and then recompute every head with the
-- statement at the end of this migration's backfill.

ALTER TABLE follows ADD COLUMN followee_head timestamptz;

UPDATE follows f
   SET followee_head = h.head
  FROM (SELECT owner_id, max(created_at) AS head FROM posts GROUP BY owner_id) h
 WHERE h.owner_id = f.followee_id;

-- Covering, so the first page walks it index only, newest head first.
CREATE INDEX follows_follower_head_idx
    ON follows (follower_id, followee_head DESC) INCLUDE (followee_id)
 WHERE followee_head IS NOT NULL;

CREATE FUNCTION follows_take_followee_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.followee_head := (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = NEW.followee_id);
    RETURN NEW;
END;
$$;

CREATE TRIGGER follows_followee_head
    BEFORE INSERT ON follows
    FOR EACH ROW EXECUTE FUNCTION follows_take_followee_head();

CREATE FUNCTION posts_raise_followee_heads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE follows f
       SET followee_head = NEW.created_at
     WHERE f.followee_id = NEW.owner_id
       AND (f.followee_head IS NULL OR f.followee_head < NEW.created_at);
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_followee_heads_insert
    AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_raise_followee_heads();

CREATE FUNCTION posts_recompute_followee_heads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE follows f
       SET followee_head = (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = OLD.owner_id)
     WHERE f.followee_id = OLD.owner_id
       AND f.followee_head = OLD.created_at;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_followee_heads_delete
    AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_recompute_followee_heads();

-- The home feed page: the first page from the heads (above); later pages as in migration
-- 000800 (one probe per followee before the cursor, which no stored head can answer).
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
    IF before_ts IS NOT NULL THEN
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
        RETURN;
    END IF;

    -- First page: the authors come newest head first straight from the follower's index.
    RETURN QUERY
    WITH authors AS MATERIALIZED (
        -- The ordered walk is fenced (OFFSET 0) so the eligibility checks run on the rows the
        -- walk hands out, newest first, until `lim` pass: not on every followee before a sort.
        (SELECT s.followee_id AS author, s.followee_head AS head
           FROM (SELECT f.followee_id, f.followee_head
                   FROM follows f
                  WHERE f.follower_id = viewer
                    AND f.followee_head IS NOT NULL
                    AND f.followee_id <> viewer
                  ORDER BY f.followee_head DESC
                 OFFSET 0) s
          WHERE (SELECT u.deleted_at FROM users u WHERE u.id = s.followee_id) IS NULL
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
    ),
    page AS (
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
