-- Invites.
--   invite_codes         : 12-char codes (varchar(16) PK); created_by is NULL for admin codes.
--   invite_relationships : signup lineage (inviter -> invitee, with the code used). invite_code
--                          has no FK so lineage survives cleanup_expired_invites().

CREATE TABLE IF NOT EXISTS invite_codes (
    code        varchar(16) PRIMARY KEY,
    created_by  uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    used_by     uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    used_at     timestamptz NULL,
    expires_at  timestamptz NOT NULL,
    is_valid    boolean     NOT NULL DEFAULT true,
    invite_type text        NOT NULL DEFAULT 'standard',
    max_uses    integer     NOT NULL DEFAULT 1,
    use_count   integer     NOT NULL DEFAULT 0,
    metadata    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- GET /invites: the caller's codes, newest first.
CREATE INDEX IF NOT EXISTS invite_codes_created_by_created_idx
    ON invite_codes (created_by, created_at DESC);
-- Hourly cleanup_expired_invites(): is_valid = false AND expires_at < now() - 30 days.
CREATE INDEX IF NOT EXISTS invite_codes_invalid_expires_at_idx
    ON invite_codes (expires_at) WHERE is_valid = false;

CREATE TABLE IF NOT EXISTS invite_relationships (
    inviter_id  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invitee_id  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invite_code varchar(16) NOT NULL,
    invited_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (inviter_id, invitee_id)
);

CREATE INDEX IF NOT EXISTS invite_relationships_invitee_id_idx
    ON invite_relationships (invitee_id);
