-- In-app notifications (user_followed, post_liked, post_commented, story_reaction).
-- payload holds string ids plus actor_* keys; read_at is set by POST /notifications/:id/read.

CREATE TABLE IF NOT EXISTS notifications (
    id                uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id           uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_type text        NOT NULL,
    payload           jsonb       NOT NULL DEFAULT '{}',
    read_at           timestamptz NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- GET /notifications, keyset (created_at, id) DESC.
CREATE INDEX IF NOT EXISTS notifications_user_created_idx
    ON notifications (user_id, created_at DESC, id DESC);
