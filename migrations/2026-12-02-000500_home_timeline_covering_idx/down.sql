-- Back to the previous migration: no covering index.
DROP INDEX CONCURRENTLY IF EXISTS home_timeline_covering_idx;
