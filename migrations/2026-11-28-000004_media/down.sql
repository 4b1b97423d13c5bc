-- Reverts media_uploads and media.
DROP TABLE IF EXISTS media_uploads;
DROP TABLE IF EXISTS media;
