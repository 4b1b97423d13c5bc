-- Reverts device_fingerprints, user_trust_scores, post_flags, user_flags and moderation_actions.
DROP TABLE IF EXISTS device_fingerprints;
DROP TABLE IF EXISTS user_trust_scores;
DROP TABLE IF EXISTS post_flags;
DROP TABLE IF EXISTS user_flags;
DROP TABLE IF EXISTS moderation_actions;
