-- The covering index of migration 000500 becomes the timeline's primary key (step 2 of 2): the
-- same columns, so every `ON CONFLICT` of the triggers and every reader keeps its meaning, and
-- the key-only index goes (one index to write per fan-out row, not two). `USING INDEX` swaps the
-- constraint without a rebuild; the table lock lasts only for the catalog change.
--
-- An index-only scan skips the heap only for pages marked all-visible, which the fan-out (rows
-- inserted for every post) keeps clearing: vacuum the timeline after 1% of it is inserted or
-- changed instead of the default 20% (insert-driven vacuum: Postgres 13 and later), so first
-- pages stay index-only between runs.
ALTER TABLE home_timeline
    DROP CONSTRAINT home_timeline_pkey,
    ADD CONSTRAINT home_timeline_pkey PRIMARY KEY USING INDEX home_timeline_covering_idx;

ALTER TABLE home_timeline SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.02
);
