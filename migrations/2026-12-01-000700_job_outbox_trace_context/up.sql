-- The W3C `traceparent` of the request that enqueued a media job, so that the published
-- message (and the worker's span) continues that request's trace. NULL when tracing is off.
-- Expand only: a nullable column with no default, which binaries built before it neither
-- write nor read (their INSERT and SELECT name their columns), so old and new instances run
-- side by side during a rolling deploy.
ALTER TABLE job_outbox ADD COLUMN IF NOT EXISTS trace_context text NULL;
