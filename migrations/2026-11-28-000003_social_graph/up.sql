-- Social graph.
--   follows : directed edge follower -> followee; created_at is the wire `followed_at`.
--             Indexes serve the followers / following lists, keyset (created_at, other id) DESC,
--             follower counts and feed fan-out on read.
--   blocks  : directed edge blocker -> blocked; visibility checks look a block up in both directions.

CREATE TABLE IF NOT EXISTS follows (
    follower_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    CONSTRAINT follows_not_self CHECK (follower_id <> followee_id)
);

-- GET /users/:id/followers (and followers_count, follower cap).
CREATE INDEX IF NOT EXISTS follows_followee_created_idx
    ON follows (followee_id, created_at DESC, follower_id DESC);
-- GET /users/:id/following.
CREATE INDEX IF NOT EXISTS follows_follower_created_idx
    ON follows (follower_id, created_at DESC, followee_id DESC);

CREATE TABLE IF NOT EXISTS blocks (
    blocker_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT blocks_not_self CHECK (blocker_id <> blocked_id)
);

-- "Who blocks me" side of the either-direction block check.
CREATE INDEX IF NOT EXISTS blocks_blocked_id_idx
    ON blocks (blocked_id);
