-- Reverts job_outbox.trace_context.
ALTER TABLE job_outbox DROP COLUMN IF EXISTS trace_context;
