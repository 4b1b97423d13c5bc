-- Back to migration 001000: the head triggers without the followee lock (the known gap).

CREATE OR REPLACE FUNCTION follows_take_followee_head() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.followee_head := (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = NEW.followee_id);
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION posts_raise_followee_heads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
    UPDATE follows f
       SET followee_head = (SELECT max(p.created_at) FROM posts p WHERE p.owner_id = OLD.owner_id)
     WHERE f.followee_id = OLD.owner_id
       AND f.followee_head = OLD.created_at;
    RETURN NULL;
END;
$$;

DROP FUNCTION IF EXISTS followee_head_try_lock(uuid);
DROP FUNCTION IF EXISTS followee_head_lock(uuid);
