-- No query looks notifications up by event_id (an event notified twice is refused by the platform's
-- record of the message, not by this table): its index only cost one more B-tree entry per notification.
DROP INDEX IF EXISTS notifications_sent_event;
