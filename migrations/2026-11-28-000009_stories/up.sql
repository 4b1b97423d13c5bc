-- Stories (24 h, purged 48 h after expiry) and highlights.
--   stories               : one photo (media RESTRICT) with caption/visibility; view_count and
--                           reaction_count are maintained by the application in the same statement
--                           as the view/reaction write (no triggers).
--   story_views           : first view per (story, viewer).
--   story_reactions       : one emoji per (story, user); a new emoji replaces the old one.
--   story_highlights      : named collections per user; cover -> stories SET NULL.
--   story_highlight_items : ordered membership (position = max + 1, from 0).

CREATE TABLE IF NOT EXISTS stories (
    id             uuid             PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id        uuid             NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    media_id       uuid             NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    caption        text             NULL,
    visibility     story_visibility NOT NULL DEFAULT 'public',
    view_count     integer          NOT NULL DEFAULT 0,
    reaction_count integer          NOT NULL DEFAULT 0,
    created_at     timestamptz      NOT NULL DEFAULT now(),
    expires_at     timestamptz      NOT NULL,
    CONSTRAINT stories_view_count_non_negative     CHECK (view_count >= 0),
    CONSTRAINT stories_reaction_count_non_negative CHECK (reaction_count >= 0)
);

-- GET /users/:id/stories (ASC) and the stories feed per followed author (DESC, scanned backwards).
CREATE INDEX IF NOT EXISTS stories_user_created_idx
    ON stories (user_id, created_at, id);
-- Hourly purge: expires_at < now() - 48 h.
CREATE INDEX IF NOT EXISTS stories_expires_at_idx
    ON stories (expires_at);
-- Media visibility ("attached to a visible story") and the RESTRICT check on media delete.
CREATE INDEX IF NOT EXISTS stories_media_id_idx
    ON stories (media_id);

CREATE TABLE IF NOT EXISTS story_views (
    id        uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    story_id  uuid        NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    viewer_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT story_views_story_id_viewer_id_key UNIQUE (story_id, viewer_id)
);

-- GET /stories/:id/viewers, keyset (viewed_at, viewer_id) DESC; newest 200 viewer ids in metrics.
CREATE INDEX IF NOT EXISTS story_views_story_viewed_idx
    ON story_views (story_id, viewed_at DESC, viewer_id DESC);

CREATE TABLE IF NOT EXISTS story_reactions (
    id         uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    story_id   uuid        NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      varchar(10) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT story_reactions_story_id_user_id_key UNIQUE (story_id, user_id)
);

-- GET /stories/:id/reactions, keyset (created_at, id) DESC.
CREATE INDEX IF NOT EXISTS story_reactions_story_created_idx
    ON story_reactions (story_id, created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS story_highlights (
    id             uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           varchar(50) NOT NULL,
    cover_story_id uuid        NULL REFERENCES stories (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT story_highlights_user_id_name_key UNIQUE (user_id, name)
);

-- GET /users/:id/highlights, keyset (created_at, id) ASC.
CREATE INDEX IF NOT EXISTS story_highlights_user_created_idx
    ON story_highlights (user_id, created_at, id);
-- Lets story deletion / purge run its ON DELETE SET NULL without scanning highlights.
CREATE INDEX IF NOT EXISTS story_highlights_cover_story_id_idx
    ON story_highlights (cover_story_id) WHERE cover_story_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS story_highlight_items (
    id           uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
    highlight_id uuid        NOT NULL REFERENCES story_highlights (id) ON DELETE CASCADE,
    story_id     uuid        NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position     integer     NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT story_highlight_items_highlight_id_story_id_key UNIQUE (highlight_id, story_id)
);

-- Ordered items and max(position) for appends.
CREATE INDEX IF NOT EXISTS story_highlight_items_highlight_position_idx
    ON story_highlight_items (highlight_id, position);
-- Lets story deletion / purge cascade without scanning highlight items.
CREATE INDEX IF NOT EXISTS story_highlight_items_story_id_idx
    ON story_highlight_items (story_id);
