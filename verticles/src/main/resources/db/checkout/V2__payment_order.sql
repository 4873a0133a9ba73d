-- One row per order that payment has seen, locked (SELECT ... FOR UPDATE) by every charge and refund
-- of that order: with several writers at once (a pool, or replicas on one PostgreSQL), a charge that
-- lands while the order is refunded waits for the refund and is then refused, instead of slipping
-- past its tombstone. The refund tombstones of payment_refund become refunded = TRUE.
CREATE TABLE payment_order (
  order_id VARCHAR(100) PRIMARY KEY,
  refunded BOOLEAN NOT NULL);
INSERT INTO payment_order (order_id, refunded) SELECT order_id, TRUE FROM payment_refund;
DROP TABLE payment_refund;
