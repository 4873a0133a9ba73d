package dev.switchboard.checkout;

import dev.switchboard.platform.TextLimit;

/**
 * The bounds of everything an outside client puts in an order, in one place: the edges (gRPC and
 * the Kafka bridge) refuse anything beyond them with INVALID_ARGUMENT before anything is stored.
 * The text limits fit the store's columns ({@code orders_order.idempotency_key VARCHAR(200)},
 * {@code order_id} and {@code sku} columns VARCHAR(100)), with room to spare; the number limits keep
 * an order's total far from overflowing a long. The correlation id's limit is the platform's
 * ({@code CallContext.CORRELATION_ID}).
 */
public final class OrderLimits {

  /** Characters of an identifier from outside: letters, digits and {@code . _ : -} (a UUID fits). */
  public static final String ID_CHARACTERS = "A-Za-z0-9._:-";

  public static final TextLimit CUSTOMER_ID = new TextLimit("customer_id", 128, ID_CHARACTERS);
  public static final TextLimit IDEMPOTENCY_KEY = new TextLimit("idempotency_key", 128, ID_CHARACTERS);
  /** The same rule as the SKUs of {@code inventory.stock.<SKU>} (a dot would split the config key). */
  public static final TextLimit SKU = new TextLimit("sku", 64, "A-Za-z0-9_-");
  public static final TextLimit ORDER_ID = new TextLimit("order_id", 100, ID_CHARACTERS);

  public static final int MAX_ITEMS = 100;
  public static final int MAX_QUANTITY = 100_000;
  public static final long MAX_UNIT_PRICE_CENTS = 100_000_000_000L;
  public static final long MAX_TOTAL_CENTS = 1_000_000_000_000_000L;

  private OrderLimits() {
  }
}
