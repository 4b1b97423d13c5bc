-- Reverts comments, likes, post_media and posts.
DROP TABLE IF EXISTS comments;
DROP TABLE IF EXISTS likes;
DROP TABLE IF EXISTS post_media;
DROP TABLE IF EXISTS posts;
