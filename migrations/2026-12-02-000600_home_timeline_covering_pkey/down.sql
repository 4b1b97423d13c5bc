-- Back to migration 000500: the key-only primary key, and the covering index beside it.
ALTER TABLE home_timeline RESET (
    autovacuum_vacuum_scale_factor,
    autovacuum_vacuum_insert_scale_factor,
    autovacuum_analyze_scale_factor
);
CREATE UNIQUE INDEX home_timeline_key_idx ON home_timeline (viewer_id, created_at, post_id);
CREATE UNIQUE INDEX home_timeline_covering_idx
    ON home_timeline (viewer_id, created_at, post_id) INCLUDE (author_id);
ALTER TABLE home_timeline
    DROP CONSTRAINT home_timeline_pkey,
    ADD CONSTRAINT home_timeline_pkey PRIMARY KEY USING INDEX home_timeline_key_idx;
