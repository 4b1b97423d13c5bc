-- Transactional outbox for background jobs (e.g. media processing).
-- A row is inserted in the same transaction as the state change that needs the job; a relay
-- publishes due rows (available_at <= now()) to RabbitMQ with publisher confirms and deletes
-- them once confirmed. On failure it bumps attempts, records last_error and pushes
-- available_at forward (back-off). A broker outage therefore delays jobs but never loses them.

CREATE TABLE IF NOT EXISTS job_outbox (
    id           uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    available_at timestamptz NOT NULL DEFAULT now(),
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text        NULL,
    CONSTRAINT job_outbox_attempts_non_negative CHECK (attempts >= 0)
);

-- Relay poll: WHERE available_at <= now() ORDER BY available_at LIMIT n FOR UPDATE SKIP LOCKED.
CREATE INDEX IF NOT EXISTS job_outbox_available_at_idx
    ON job_outbox (available_at);

COMMENT ON TABLE job_outbox IS
    'Transactional outbox: jobs written in the same transaction as the change that needs them; '
    'a relay publishes due rows (available_at <= now()) to RabbitMQ with publisher confirms and '
    'deletes each row once the broker confirms. Failed publishes bump attempts, set last_error and '
    'move available_at forward.';
