-- Back to migration 001000: the API of that schema reads whole pages from home_feed_page.
DROP FUNCTION IF EXISTS home_feed_keys(uuid, timestamptz, uuid, integer);
