-- Reverts follows and blocks.
DROP TABLE IF EXISTS blocks;
DROP TABLE IF EXISTS follows;
