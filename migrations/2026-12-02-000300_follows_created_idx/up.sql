-- Follow edges in creation order, for the scheduled repair of followee heads (`feed_heads`:
-- the edges created in the last hours, walked in batches by (created_at, follower, followee)).
-- Concurrently (follows is big), so this migration runs outside a transaction (metadata.toml)
-- and holds no lock that blocks follows or posts while it builds. If a build fails, Postgres
-- leaves an INVALID index of this name behind and this migration fails again until an operator
-- drops it (`DROP INDEX CONCURRENTLY follows_created_idx`) — on purpose no IF NOT EXISTS, which
-- would accept the invalid index silently. Expand-only.
CREATE INDEX CONCURRENTLY follows_created_idx
    ON follows (created_at, follower_id, followee_id);
