-- Posts and engagement.
--   posts      : owner's caption + visibility; images live in post_media.
--   post_media : ordered images of a post (position 0..9); media rows are RESTRICTed so
--                deleting referenced media fails (mapped to 409 at the edge).
--   likes      : one like per (user, post).
--   comments   : free-text comments on a post.
-- Indexes follow the keyset pagination keys (created_at, id) of the list endpoints.

CREATE TABLE IF NOT EXISTS posts (
    id         uuid            PRIMARY KEY DEFAULT uuid_generate_v4(),
    owner_id   uuid            NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    caption    text            NULL,
    visibility post_visibility NOT NULL DEFAULT 'public',
    created_at timestamptz     NOT NULL DEFAULT now()
);

-- GET /users/:id/posts, home feed (per-author merge), posts_count.
CREATE INDEX IF NOT EXISTS posts_owner_created_idx
    ON posts (owner_id, created_at DESC, id DESC);
-- Global recency order (GET /search/posts).
CREATE INDEX IF NOT EXISTS posts_created_idx
    ON posts (created_at DESC, id DESC);
-- Case-insensitive substring search on captions.
CREATE INDEX IF NOT EXISTS posts_caption_trgm_idx
    ON posts USING gin (caption gin_trgm_ops);

CREATE TABLE IF NOT EXISTS post_media (
    post_id  uuid     NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    media_id uuid     NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    position smallint NOT NULL,
    PRIMARY KEY (post_id, media_id),
    CONSTRAINT post_media_position_non_negative CHECK (position >= 0),
    CONSTRAINT post_media_post_id_position_key UNIQUE (post_id, position)
);

-- Media visibility ("attached to a visible post") and the RESTRICT check on media delete.
CREATE INDEX IF NOT EXISTS post_media_media_id_idx
    ON post_media (media_id);

CREATE TABLE IF NOT EXISTS likes (
    id         uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT likes_user_id_post_id_key UNIQUE (user_id, post_id)
);

-- GET /posts/:id/likes, like_count.
CREATE INDEX IF NOT EXISTS likes_post_created_idx
    ON likes (post_id, created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS comments (
    id         uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- GET /posts/:id/comments, comment_count.
CREATE INDEX IF NOT EXISTS comments_post_created_idx
    ON comments (post_id, created_at DESC, id DESC);
