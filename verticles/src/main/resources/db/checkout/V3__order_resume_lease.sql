-- When an accepted order whose checkout has not started may next be placed again by a replica
-- (OrderBook.claimUnplaced): one replica claims it (SELECT ... FOR UPDATE SKIP LOCKED) and sets
-- this, so the others leave it alone until then.
ALTER TABLE orders_order ADD COLUMN IF NOT EXISTS resume_after_ms BIGINT DEFAULT 0 NOT NULL;
