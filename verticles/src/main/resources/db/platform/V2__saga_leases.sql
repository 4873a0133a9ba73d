-- Saga leases: which process drives an open saga, and until when. A process claims a saga by
-- writing itself and a time here in a transaction that locked the row (SELECT ... FOR UPDATE SKIP
-- LOCKED), so replicas on one database never resume or sweep the same saga at once; every stored
-- step renews the lease of the process that stored it. A row written before leases existed has
-- none (0): whoever looks first may claim it.
ALTER TABLE sb_saga ADD COLUMN IF NOT EXISTS lease_owner VARCHAR(64) DEFAULT '' NOT NULL;
ALTER TABLE sb_saga ADD COLUMN IF NOT EXISTS lease_until_ms BIGINT DEFAULT 0 NOT NULL;
CREATE INDEX IF NOT EXISTS sb_saga_lease ON sb_saga (open, lease_until_ms);
