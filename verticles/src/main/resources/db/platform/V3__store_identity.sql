-- The store's identity (StoreIdentity): one row, made by the first process that opens the store with
-- this version, its store_id a random UUID. Every process on one PostgreSQL database reads the same
-- id; an embedded H2 store (one per process) has an id of its own, kept in its files across restarts.
-- The Kafka consumers advertise it in their client.id, so that replicas with stores of their own are
-- refused at start-up. The key admits a single row: of two processes inserting at once, one wins and
-- the other reads its row.
CREATE TABLE IF NOT EXISTS sb_store (
  singleton INT DEFAULT 1 NOT NULL PRIMARY KEY CHECK (singleton = 1),
  store_id VARCHAR(64) NOT NULL,
  created_at_ms BIGINT NOT NULL);
