-- Back to migration 000900: no index of deleted users.
DROP INDEX IF EXISTS users_deleted_idx;
