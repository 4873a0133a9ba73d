package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.PlaceOrderRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The orders a run places, and how fast: an open-loop schedule at {@code ratePerSecond}, so that a
 * slow system cannot slow the arrivals down (latency is measured from each order's intended start,
 * without coordinated omission). Generated from a seed: every variant gets the same orders.
 */
public record Workload(List<PlaceOrderRequest> orders, int ratePerSecond) {

  static final String[] SKUS = {"SKU-APPLE", "SKU-BANANA", "SKU-CHERRY"};
  private static final long[] PRICES = {1_500, 800, 4_000};
  /** One unit at this price exceeds the demo's payment limit: the order is declined and its stock released. */
  static final long LUXURY_PRICE_CENTS = 25_000;

  /**
   * {@code count} orders: most buy one or two units of one SKU (weighted 40/40/20), one in ten is a
   * single unit priced above the payment limit.
   */
  public static Workload checkout(int count, int ratePerSecond, long seed) {
    Random random = new Random(seed);
    List<PlaceOrderRequest> orders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int pick = random.nextInt(10);
      int sku = pick < 4 ? 0 : pick < 8 ? 1 : 2;
      boolean luxury = random.nextInt(10) == 0;
      LineItem item = LineItem.newBuilder()
          .setSku(SKUS[sku])
          .setQuantity(luxury ? 1 : 1 + random.nextInt(2))
          .setUnitPriceCents(luxury ? LUXURY_PRICE_CENTS : PRICES[sku])
          .build();
      orders.add(PlaceOrderRequest.newBuilder()
          .setCustomerId("customer-" + random.nextInt(50))
          .addItems(item)
          .setIdempotencyKey("order-" + seed + "-" + i)
          .build());
    }
    return new Workload(List.copyOf(orders), ratePerSecond);
  }

  /** Nanoseconds after the start at which order {@code index} is due. */
  long dueNanos(int index) {
    return index * 1_000_000_000L / ratePerSecond;
  }
}
