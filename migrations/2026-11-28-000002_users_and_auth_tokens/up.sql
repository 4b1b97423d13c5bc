-- Accounts and credentials.
--   users          : profile + Argon2id PHC password hash ('' = cannot log in); soft delete via deleted_at.
--                    handle and email are unique (case-sensitive, stored as sent); deleted accounts keep them reserved.
--                    Trigram GIN indexes serve the case-insensitive substring search on handle / display_name.
--   refresh_tokens : one row per issued PASETO refresh token (id = jti, token_hash = SHA-256 hex),
--                    rotation chain via replaced_by, revocation via revoked_at.
--   auth_tokens    : legacy opaque-token table, kept for schema compatibility; unused.

CREATE TABLE IF NOT EXISTS users (
    id            uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    handle        text        NOT NULL,
    email         text        NOT NULL,
    display_name  text        NOT NULL,
    bio           text        NULL,
    avatar_key    text        NULL,
    password_hash text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz NULL,
    CONSTRAINT users_handle_key UNIQUE (handle),
    CONSTRAINT users_email_key  UNIQUE (email)
);

CREATE INDEX IF NOT EXISTS users_handle_trgm_idx
    ON users USING gin (handle gin_trgm_ops);
CREATE INDEX IF NOT EXISTS users_display_name_trgm_idx
    ON users USING gin (display_name gin_trgm_ops);

CREATE TABLE IF NOT EXISTS refresh_tokens (
    id          uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL,
    replaced_by uuid        NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
);

-- Reuse detection and account deletion revoke every live token of a user.
CREATE INDEX IF NOT EXISTS refresh_tokens_user_id_active_idx
    ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE IF NOT EXISTS auth_tokens (
    id         uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text        NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT auth_tokens_token_hash_key UNIQUE (token_hash)
);
