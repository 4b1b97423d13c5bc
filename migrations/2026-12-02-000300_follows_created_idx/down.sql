-- Back to the previous migration: no creation-order index of follows.
DROP INDEX CONCURRENTLY IF EXISTS follows_created_idx;
