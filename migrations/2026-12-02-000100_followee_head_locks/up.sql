-- Closes the known gap of migration 000900: a follow committed in the same instant as a post
-- (or as the deletion of the newest post) by the followee could leave that one edge's head
-- wrong, because neither transaction saw the other's uncommitted row.
--
-- Now the three head triggers first take one transaction-scoped advisory lock keyed by the
-- followee (`followee_head_lock`, two-key form: namespace 0x63686864 "chhd" and the user id's
-- hash folded into 1024 buckets; the single-key space of the maintenance and migration locks is
-- never touched). Buckets, not one key per user: a bulk insert of posts by many authors in one
-- transaction (fixtures, imports) holds at most 1024 of these locks instead of one per author,
-- which would fill the server's lock table ("out of shared memory"); two users sharing a bucket
-- only wait for each other's short post or follow transaction. The
-- lock is taken in its own statement, so the statement that reads or writes the heads after it
-- runs on a fresh snapshot (READ COMMITTED) that sees whatever the previous holder committed:
--   * follow first: the post's AFTER INSERT (or DELETE) trigger waits for the follow to commit,
--     then its UPDATE sees the new edge and raises (or recomputes) its head;
--   * post first: the follow's BEFORE INSERT trigger waits for the post (or deletion) to
--     commit, then reads the newest post time with it.
--
-- Why it cannot deadlock (the row lock on the followee's users row that migration 000900 first
-- tried deadlocked concurrent follows and unfollows of one pair, because it conflicted with the
-- foreign-key checks' FOR KEY SHARE): this lock conflicts with nothing but itself, each of
-- these transactions takes it for one user only (one edge or one author), and no transaction
-- that holds it ever waits for a lock that a transaction waiting for it can hold (whichever
-- users share the bucket) — a follow
-- waits for it holding only the followee's users row (FOR NO KEY UPDATE, from the use case)
-- and takes it before the edge row exists; a post or deletion waits for it holding its post
-- row (and rows cascaded from it) and FOR KEY SHARE on the owner; after taking it they lock
-- only the followee's trust row, the follow edges of that followee (post triggers) and insert
-- rows nobody else can see. (A bulk load inserting posts of many authors in one transaction
-- takes several buckets in row order and could deadlock with another such bulk load, never
-- with the use cases, which take one.) The scheduled repair (`feed_heads`) only ever *tries*
-- the lock and skips locked edges, so it never waits at all. Full argument:
-- docs/ARCHITECTURE.md, Home feed.
--
-- Expand-only: new functions under new names; the trigger functions keep their signatures.

CREATE FUNCTION followee_head_lock(followee uuid) RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_xact_lock(1667786852, hashtext(followee::text) & 1023);
$$;

CREATE FUNCTION followee_head_try_lock(followee uuid) RETURNS boolean
LANGUAGE sql VOLATILE AS $$
    SELECT pg_try_advisory_xact_lock(1667786852, hashtext(followee::text) & 1023);
$$;

CREATE OR REPLACE FUNCTION follows_take_followee_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM followee_head_lock(NEW.followee_id);
    NEW.followee_head := (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = NEW.followee_id);
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION posts_raise_followee_heads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM followee_head_lock(NEW.owner_id);
    UPDATE follows f
       SET followee_head = NEW.created_at
     WHERE f.followee_id = NEW.owner_id
       AND (f.followee_head IS NULL OR f.followee_head < NEW.created_at);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION posts_recompute_followee_heads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM followee_head_lock(OLD.owner_id);
    UPDATE follows f
       SET followee_head = (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = OLD.owner_id)
     WHERE f.followee_id = OLD.owner_id
       AND f.followee_head = OLD.created_at;
    RETURN NULL;
END;
$$;
