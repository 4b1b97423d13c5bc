-- Maintenance functions called by the hourly cleanup loop (idempotent, safe on several instances).
--   update_account_ages()      : account_age_days = whole days since the trust row was created;
--                                returns the number of rows whose value changed.
--   cleanup_expired_invites()  : deletes invalid codes that expired more than 30 days ago;
--                                returns the number of rows deleted.

CREATE OR REPLACE FUNCTION update_account_ages() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    UPDATE user_trust_scores
       SET account_age_days = GREATEST(0, floor(extract(epoch FROM (now() - created_at)) / 86400))::integer
     WHERE account_age_days IS DISTINCT FROM
           GREATEST(0, floor(extract(epoch FROM (now() - created_at)) / 86400))::integer;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;

CREATE OR REPLACE FUNCTION cleanup_expired_invites() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM invite_codes
     WHERE is_valid = false
       AND expires_at < now() - interval '30 days';
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
