-- Reverts users, refresh_tokens and auth_tokens (indexes go with their tables).
DROP TABLE IF EXISTS auth_tokens;
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS users;
