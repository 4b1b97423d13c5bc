-- Reverts highlights, reactions, views and stories.
DROP TABLE IF EXISTS story_highlight_items;
DROP TABLE IF EXISTS story_highlights;
DROP TABLE IF EXISTS story_reactions;
DROP TABLE IF EXISTS story_views;
DROP TABLE IF EXISTS stories;
