-- Back to migration 000100 of 2026-12-02: no creation-order index of follows.
DROP INDEX CONCURRENTLY IF EXISTS follows_created_idx;
