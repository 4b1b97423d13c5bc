-- The home feed's materialised timeline (fan-out on write): the first page of a feed becomes one
-- range scan of the viewer's own rows instead of a walk over the newest posts of up to `lim`
-- followees (one B-tree descent each, migration 000200), so a feed miss costs about the same
-- whatever the follow count and the amount of data.
--
-- `home_timeline` holds, per viewer, the keys of posts by the viewer and by the accounts the
-- viewer follows. `home_timeline_horizon` says how far down it is complete: every such post
-- created strictly after the viewer's horizon has its row (no horizon row: complete down to the
-- beginning). Rows older than the horizon may or may not be there. A page read from the
-- timeline is exact when it is full and its last row is newer than the horizon (or there is no
-- horizon); otherwise `home_feed_keys` answers from the per-followee merge as before
-- (`home_feed_merge_keys`, the body of migration 000200 under a new name).
--
-- Kept true by triggers, under the per-followee advisory lock of migration 000100 (same
-- argument, no new lock order):
--   * a post is added to the rows of its author and of every follower (the follows rows are read
--     FOR KEY SHARE, so an unfollow or block in flight is waited for, then seen);
--   * a deleted post leaves every timeline that holds it;
--   * a follow copies the followee's newest `timeline_keep()` posts above the follower's
--     horizon, and raises the horizon to the last one copied when there were more;
--   * an unfollow (also the ones a block makes) removes the followee's rows from the follower's
--     timeline.
-- Soft-deleted authors (through `users_deleted_idx`) and authors blocked either way are
-- filtered at read time, as the merge does (a block removes the follows between the two, but
-- the read does not rely on it). A deleted viewer's own posts are filtered too, where the
-- merge's first page keeps them: no deleted account reads a feed (the user gate refuses it).
-- The hourly cleanup step `home_timelines` (`home_timeline_trim`) keeps the newest
-- `timeline_keep()` rows per viewer and raises the horizon to match, so the table holds about
-- that many rows per user. A bulk load that bypasses the triggers
-- (`session_replication_role = replica`) must call `home_timeline_rebuild()` afterwards.
--
-- Expand-only: new tables and functions; `home_feed_keys` keeps its signature and answers the
-- same rows (the previous build reads it unchanged); `home_feed_page` is untouched.

CREATE FUNCTION timeline_keep() RETURNS integer
LANGUAGE sql IMMUTABLE AS 'SELECT 100';

CREATE TABLE home_timeline (
    viewer_id  uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    post_id    uuid        NOT NULL,
    author_id  uuid        NOT NULL,
    PRIMARY KEY (viewer_id, created_at, post_id)
);

CREATE TABLE home_timeline_horizon (
    viewer_id uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    horizon   timestamptz NOT NULL
);

CREATE FUNCTION raise_timeline_horizon(viewer uuid, at timestamptz) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO home_timeline_horizon AS h (viewer_id, horizon) VALUES (viewer, at)
    ON CONFLICT (viewer_id) DO UPDATE SET horizon = greatest(h.horizon, excluded.horizon);
$$;

CREATE FUNCTION posts_fan_out_to_timelines() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM followee_head_lock(NEW.owner_id);
    INSERT INTO home_timeline (viewer_id, created_at, post_id, author_id)
    SELECT f.follower_id, NEW.created_at, NEW.id, NEW.owner_id
      FROM follows f
     WHERE f.followee_id = NEW.owner_id
       FOR KEY SHARE OF f
    ON CONFLICT DO NOTHING;
    INSERT INTO home_timeline (viewer_id, created_at, post_id, author_id)
    VALUES (NEW.owner_id, NEW.created_at, NEW.id, NEW.owner_id)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_timeline_fan_out
    AFTER INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_fan_out_to_timelines();

CREATE FUNCTION posts_remove_from_timelines() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM followee_head_lock(OLD.owner_id);
    DELETE FROM home_timeline t
     USING follows f
     WHERE f.followee_id = OLD.owner_id
       AND t.viewer_id = f.follower_id
       AND t.created_at = OLD.created_at
       AND t.post_id = OLD.id;
    DELETE FROM home_timeline t
     WHERE t.viewer_id = OLD.owner_id
       AND t.created_at = OLD.created_at
       AND t.post_id = OLD.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER posts_timeline_remove
    AFTER DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_remove_from_timelines();

CREATE FUNCTION follows_copy_to_timeline() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    keep CONSTANT integer := timeline_keep();
    h timestamptz;
    newer integer;
    last_copied timestamptz;
BEGIN
    PERFORM followee_head_lock(NEW.followee_id);
    h := coalesce((SELECT x.horizon FROM home_timeline_horizon x
                    WHERE x.viewer_id = NEW.follower_id), '-infinity');
    INSERT INTO home_timeline (viewer_id, created_at, post_id, author_id)
    SELECT NEW.follower_id, p.created_at, p.id, NEW.followee_id
      FROM posts p
     WHERE p.owner_id = NEW.followee_id
       AND p.created_at > h
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT keep
    ON CONFLICT DO NOTHING;
    SELECT count(*) INTO newer
      FROM (SELECT 1 FROM posts p
             WHERE p.owner_id = NEW.followee_id AND p.created_at > h
             LIMIT keep + 1) s;
    IF newer > keep THEN
        SELECT p.created_at INTO last_copied
          FROM posts p
         WHERE p.owner_id = NEW.followee_id AND p.created_at > h
         ORDER BY p.created_at DESC, p.id DESC
        OFFSET keep - 1 LIMIT 1;
        PERFORM raise_timeline_horizon(NEW.follower_id, last_copied);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER follows_timeline_copy
    AFTER INSERT ON follows
    FOR EACH ROW EXECUTE FUNCTION follows_copy_to_timeline();

CREATE FUNCTION follows_remove_from_timeline() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM home_timeline t
     WHERE t.viewer_id = OLD.follower_id
       AND t.author_id = OLD.followee_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER follows_timeline_remove
    AFTER DELETE ON follows
    FOR EACH ROW EXECUTE FUNCTION follows_remove_from_timeline();

-- The per-followee merge (migration 000200), for pages the timeline cannot answer exactly.
CREATE FUNCTION home_feed_merge_keys(viewer uuid, before_ts timestamptz, before_id uuid, lim integer)
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

-- The page from the timeline when it is exact there, else from the merge. STABLE: both reads
-- run on the calling query's snapshot, so the horizon and the rows agree.
CREATE OR REPLACE FUNCTION home_feed_keys(viewer uuid, before_ts timestamptz, before_id uuid, lim integer)
RETURNS TABLE (post_id uuid, post_created_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    h timestamptz := coalesce((SELECT x.horizon FROM home_timeline_horizon x
                                WHERE x.viewer_id = viewer), '-infinity');
    ids uuid[];
    tss timestamptz[];
BEGIN
    IF before_ts IS NULL OR before_ts > h THEN
        SELECT array_agg(t.post_id ORDER BY t.created_at DESC, t.post_id DESC),
               array_agg(t.created_at ORDER BY t.created_at DESC, t.post_id DESC)
          INTO ids, tss
          FROM (SELECT tl.post_id, tl.created_at
                  FROM home_timeline tl
                 WHERE tl.viewer_id = viewer
                   AND (tl.created_at, tl.post_id)
                       < (coalesce(before_ts, 'infinity'::timestamptz),
                          coalesce(before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
                   AND NOT EXISTS (SELECT 1 FROM users u
                                    WHERE u.id = tl.author_id AND u.deleted_at IS NOT NULL)
                   AND tl.author_id NOT IN (SELECT b.blocked_id FROM blocks b
                                             WHERE b.blocker_id = viewer)
                   AND tl.author_id NOT IN (SELECT b.blocker_id FROM blocks b
                                             WHERE b.blocked_id = viewer)
                 ORDER BY tl.created_at DESC, tl.post_id DESC
                 LIMIT lim) t;
        IF h = '-infinity'::timestamptz
           OR (coalesce(array_length(ids, 1), 0) = lim AND tss[lim] > h) THEN
            RETURN QUERY
            SELECT u.id, u.ts FROM unnest(ids, tss) WITH ORDINALITY AS u (id, ts, n) ORDER BY u.n;
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT m.post_id, m.post_created_at
                   FROM home_feed_merge_keys(viewer, before_ts, before_id, lim) m;
END;
$$;

-- Rebuilds every timeline from the merge (writers to posts and follows wait meanwhile): for a
-- bulk load that bypassed the triggers. Returns the rows written.
CREATE FUNCTION home_timeline_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
BEGIN
    LOCK TABLE posts, follows IN SHARE MODE;
    DELETE FROM home_timeline;
    DELETE FROM home_timeline_horizon;
    INSERT INTO home_timeline (viewer_id, created_at, post_id, author_id)
    SELECT u.id, k.post_created_at, k.post_id, p.owner_id
      FROM users u
     CROSS JOIN LATERAL home_feed_merge_keys(u.id, NULL, NULL, timeline_keep()) k
      JOIN posts p ON p.id = k.post_id;
    GET DIAGNOSTICS written = ROW_COUNT;
    -- A full timeline is complete only down to its oldest row.
    INSERT INTO home_timeline_horizon (viewer_id, horizon)
    SELECT t.viewer_id, min(t.created_at)
      FROM home_timeline t
     GROUP BY t.viewer_id
    HAVING count(*) >= timeline_keep();
    RETURN written;
END;
$$;

-- Keeps the newest `keep` rows of each of at most `batch` viewers after `after` (users in id
-- order) and raises their horizons to match. Returns how many viewers were examined, how many
-- rows were deleted, and the last viewer examined (where the next batch starts).
CREATE FUNCTION home_timeline_trim(after uuid, batch integer, keep integer)
RETURNS TABLE (examined integer, trimmed bigint, last_viewer uuid)
LANGUAGE plpgsql AS $$
DECLARE
    v uuid;
    cut_ts timestamptz;
    cut_id uuid;
    gone bigint;
BEGIN
    -- Never stall behind a writer for long: a batch that cannot lock a row in 2 s fails, and
    -- the hourly step tries again next run.
    PERFORM set_config('lock_timeout', '2s', true);
    examined := 0;
    trimmed := 0;
    last_viewer := NULL;
    FOR v IN SELECT u.id FROM users u
              WHERE after IS NULL OR u.id > after
              ORDER BY u.id
              LIMIT batch LOOP
        examined := examined + 1;
        last_viewer := v;
        SELECT t.created_at, t.post_id INTO cut_ts, cut_id
          FROM home_timeline t
         WHERE t.viewer_id = v
         ORDER BY t.created_at DESC, t.post_id DESC
        OFFSET keep LIMIT 1;
        IF FOUND THEN
            PERFORM raise_timeline_horizon(v, cut_ts);
            DELETE FROM home_timeline t
             WHERE t.viewer_id = v
               AND (t.created_at, t.post_id) <= (cut_ts, cut_id);
            GET DIAGNOSTICS gone = ROW_COUNT;
            trimmed := trimmed + gone;
        END IF;
    END LOOP;
    RETURN NEXT;
END;
$$;

SELECT home_timeline_rebuild();
