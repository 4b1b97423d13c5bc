-- Extensions and enum types shared by the whole schema.
--   uuid-ossp : uuid_generate_v4() for primary-key defaults
--   pg_trgm   : trigram GIN indexes behind the ILIKE substring search
--   post_visibility, story_visibility, media_upload_status (stored lowercase snake_case)
-- Enum creation ignores duplicate_object so the migration is safe to re-run.

CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$ BEGIN
    CREATE TYPE post_visibility AS ENUM ('public', 'followers_only');
EXCEPTION WHEN duplicate_object THEN null;
END $$;

DO $$ BEGIN
    CREATE TYPE story_visibility AS ENUM ('public', 'friends_only', 'close_friends_only');
EXCEPTION WHEN duplicate_object THEN null;
END $$;

DO $$ BEGIN
    CREATE TYPE media_upload_status AS ENUM ('pending', 'uploaded', 'processing', 'failed', 'completed');
EXCEPTION WHEN duplicate_object THEN null;
END $$;
