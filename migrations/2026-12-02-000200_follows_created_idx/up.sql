-- Follow edges in creation order, for the scheduled repair of followee heads (`feed_heads`:
-- the edges created in the last hours, walked in batches by (created_at, follower, followee)).
-- Concurrently (follows is big), so this migration runs outside a transaction (metadata.toml)
-- and holds no lock that blocks follows while it builds. Expand-only.
CREATE INDEX CONCURRENTLY IF NOT EXISTS follows_created_idx
    ON follows (created_at, follower_id, followee_id);
