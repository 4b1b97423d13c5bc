-- Reverts the maintenance functions.
DROP FUNCTION IF EXISTS cleanup_expired_invites();
DROP FUNCTION IF EXISTS update_account_ages();
