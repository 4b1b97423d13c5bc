DROP FUNCTION IF EXISTS home_feed_page(uuid, timestamptz, uuid, integer);
