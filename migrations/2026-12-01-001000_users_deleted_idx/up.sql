-- Deleted users only: profile counts subtract the edges to deleted users with an anti-join
-- against this (near-empty) index instead of joining every live user. Expand-only.
CREATE INDEX users_deleted_idx ON users (id) WHERE deleted_at IS NOT NULL;
