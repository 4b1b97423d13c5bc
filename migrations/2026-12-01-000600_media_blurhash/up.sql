-- A BlurHash placeholder for each processed media (computed from the thumb by the worker);
-- NULL for media processed before placeholders existed.
ALTER TABLE media ADD COLUMN IF NOT EXISTS blurhash text NULL;
