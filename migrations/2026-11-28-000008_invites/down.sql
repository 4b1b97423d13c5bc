-- Reverts invite_relationships and invite_codes.
DROP TABLE IF EXISTS invite_relationships;
DROP TABLE IF EXISTS invite_codes;
