-- Safety.
--   moderation_actions  : audit log (user_flag, post_flag, post, comment); target_id has no FK on purpose;
--                         actor_id is NULL for admin actions without a bearer user.
--   user_flags          : user reports, one per (reporter, target).
--   post_flags          : post reports, one per (reporter, post).
--   user_trust_scores   : one row per user (created at signup): level 0..3, points, counters, bans.
--   device_fingerprints : SHA-256 of a client fingerprint, the users linked to it and a risk score 0..100.

CREATE TABLE IF NOT EXISTS moderation_actions (
    id          uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    actor_id    uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    target_type text        NOT NULL,
    target_id   uuid        NOT NULL,
    reason      text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- GET /moderation/audit, keyset (created_at, id) DESC.
CREATE INDEX IF NOT EXISTS moderation_actions_created_idx
    ON moderation_actions (created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS user_flags (
    id          uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    reporter_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_flags_reporter_id_target_id_key UNIQUE (reporter_id, target_id)
);

CREATE INDEX IF NOT EXISTS user_flags_target_id_idx
    ON user_flags (target_id);

CREATE TABLE IF NOT EXISTS post_flags (
    id          uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    reporter_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id     uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reason      text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT post_flags_reporter_id_post_id_key UNIQUE (reporter_id, post_id)
);

-- Also lets post deletion cascade without a scan.
CREATE INDEX IF NOT EXISTS post_flags_post_id_idx
    ON post_flags (post_id);

CREATE TABLE IF NOT EXISTS user_trust_scores (
    user_id              uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    trust_level          integer     NOT NULL DEFAULT 0,
    trust_points         integer     NOT NULL DEFAULT 0,
    account_age_days     integer     NOT NULL DEFAULT 0,
    posts_count          integer     NOT NULL DEFAULT 0,
    comments_count       integer     NOT NULL DEFAULT 0,
    likes_received_count integer     NOT NULL DEFAULT 0,
    followers_count      integer     NOT NULL DEFAULT 0,
    flags_received       integer     NOT NULL DEFAULT 0,
    strikes              integer     NOT NULL DEFAULT 0,
    invites_sent         integer     NOT NULL DEFAULT 0,
    successful_invites   integer     NOT NULL DEFAULT 0,
    banned_until         timestamptz NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    last_activity_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_trust_scores_trust_level_range CHECK (trust_level BETWEEN 0 AND 3)
);

CREATE TABLE IF NOT EXISTS device_fingerprints (
    fingerprint_hash text        PRIMARY KEY,
    user_ids         uuid[]      NOT NULL DEFAULT '{}',
    account_count    integer     NOT NULL DEFAULT 0,
    risk_score       integer     NOT NULL DEFAULT 0,
    is_blocked       boolean     NOT NULL DEFAULT false,
    block_reason     text        NULL,
    blocked_at       timestamptz NULL,
    user_agent       text        NULL,
    platform         text        NULL,
    browser          text        NULL,
    first_seen_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT device_fingerprints_risk_score_range CHECK (risk_score BETWEEN 0 AND 100)
);

-- GET /account/devices: user_ids @> ARRAY[:user_id].
CREATE INDEX IF NOT EXISTS device_fingerprints_user_ids_gin_idx
    ON device_fingerprints USING gin (user_ids);
