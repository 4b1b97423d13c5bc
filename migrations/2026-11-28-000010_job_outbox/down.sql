-- Reverts job_outbox (its index and comment go with it).
DROP TABLE IF EXISTS job_outbox;
