-- The checkout services' tables, as every earlier version created them at start-up. Written so that
-- it also runs over a store made by such a version (baselined at version 0): what exists is kept,
-- what is missing is added. SQL that H2 and PostgreSQL both take (BYTEA is H2's VARBINARY).

-- inventory: stock per SKU, each order's state and its reservation per SKU (StockLedger)
CREATE TABLE IF NOT EXISTS inventory_stock (
  sku VARCHAR(100) PRIMARY KEY,
  available BIGINT NOT NULL,
  reserved BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS inventory_order (
  order_id VARCHAR(100) PRIMARY KEY,
  state VARCHAR(10) NOT NULL);
CREATE TABLE IF NOT EXISTS inventory_reservation (
  order_id VARCHAR(100) NOT NULL,
  sku VARCHAR(100) NOT NULL,
  units BIGINT NOT NULL,
  PRIMARY KEY (order_id, sku));

-- payment: every charge, and the orders refunded (PaymentLedger)
CREATE TABLE IF NOT EXISTS payment_charge (
  payment_id VARCHAR(100) PRIMARY KEY,
  order_id VARCHAR(100) NOT NULL,
  amount_cents BIGINT NOT NULL,
  refunded BOOLEAN NOT NULL);
CREATE INDEX IF NOT EXISTS payment_charge_order ON payment_charge (order_id);
CREATE TABLE IF NOT EXISTS payment_refund (
  order_id VARCHAR(100) PRIMARY KEY);

-- notifications: every notification sent (NotificationLog)
CREATE TABLE IF NOT EXISTS notifications_sent (
  notification_id VARCHAR(100) PRIMARY KEY,
  event_id VARCHAR(200) NOT NULL,
  order_id VARCHAR(100) NOT NULL,
  kind VARCHAR(20) NOT NULL);
CREATE INDEX IF NOT EXISTS notifications_sent_order ON notifications_sent (order_id);
CREATE INDEX IF NOT EXISTS notifications_sent_event ON notifications_sent (event_id);

-- orders: accepted once per idempotency key (OrderBook)
CREATE TABLE IF NOT EXISTS orders_order (
  order_id VARCHAR(100) PRIMARY KEY,
  idempotency_key VARCHAR(200) UNIQUE,
  status VARCHAR(40) NOT NULL,
  checkout_started BOOLEAN NOT NULL,
  accepted_at_ms BIGINT NOT NULL,
  body BYTEA NOT NULL);
CREATE INDEX IF NOT EXISTS orders_order_status ON orders_order (status);

-- shipping: one shipment (or cancellation tombstone) per order (ShipmentBook)
CREATE TABLE IF NOT EXISTS shipping_shipment (
  order_id VARCHAR(100) PRIMARY KEY,
  shipment_id VARCHAR(100),
  cancelled BOOLEAN NOT NULL);

-- views: every read model's copy of each order, in one table keyed by view (OrderViews); views.count
-- adds rows, never tables
CREATE TABLE IF NOT EXISTS order_view (
  view_name VARCHAR(50) NOT NULL,
  order_id VARCHAR(100) NOT NULL,
  status VARCHAR(20) NOT NULL,
  PRIMARY KEY (view_name, order_id));
