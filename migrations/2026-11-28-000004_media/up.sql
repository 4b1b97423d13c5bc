-- Media pipeline.
--   media         : a processed photo (original + thumb + medium keys, original dimensions, declared bytes).
--                   Exists only for completed uploads.
--   media_uploads : upload state machine pending -> uploaded -> processing -> completed | failed;
--                   processed_media_id points at the resulting media row (SET NULL if it is deleted).

CREATE TABLE IF NOT EXISTS media (
    id           uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    owner_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    original_key text        NOT NULL,
    thumb_key    text        NOT NULL,
    medium_key   text        NOT NULL,
    width        integer     NOT NULL,
    height       integer     NOT NULL,
    bytes        bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS media_owner_id_idx
    ON media (owner_id);

CREATE TABLE IF NOT EXISTS media_uploads (
    id                 uuid                PRIMARY KEY DEFAULT uuid_generate_v4(),
    owner_id           uuid                NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    original_key       text                NOT NULL,
    content_type       text                NOT NULL,
    bytes              bigint              NOT NULL,
    status             media_upload_status NOT NULL DEFAULT 'pending',
    uploaded_at        timestamptz         NULL,
    processed_media_id uuid                NULL REFERENCES media (id) ON DELETE SET NULL,
    created_at         timestamptz         NOT NULL DEFAULT now(),
    updated_at         timestamptz         NOT NULL DEFAULT now()
);

-- Hourly stale sweep: status IN ('uploaded','processing') AND COALESCE(uploaded_at, created_at) < now() - 15 min.
CREATE INDEX IF NOT EXISTS media_uploads_status_uploaded_at_idx
    ON media_uploads (status, uploaded_at);
CREATE INDEX IF NOT EXISTS media_uploads_owner_id_idx
    ON media_uploads (owner_id);
-- Lets DELETE /media/:id run its ON DELETE SET NULL without scanning media_uploads.
CREATE INDEX IF NOT EXISTS media_uploads_processed_media_id_idx
    ON media_uploads (processed_media_id) WHERE processed_media_id IS NOT NULL;
