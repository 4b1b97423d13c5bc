-- Reverts notifications.
DROP TABLE IF EXISTS notifications;
