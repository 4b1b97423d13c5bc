-- Reverts the enum types and the extensions created by up.sql.
DROP TYPE IF EXISTS media_upload_status;
DROP TYPE IF EXISTS story_visibility;
DROP TYPE IF EXISTS post_visibility;

DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS "uuid-ossp";
