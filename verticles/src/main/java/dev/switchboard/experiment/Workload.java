package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.PlaceOrderRequest;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The orders a run places, and when: an open-loop schedule, so that a slow system cannot slow the
 * arrivals down (latency is measured from each order's intended start, without coordinated
 * omission). Built from phases laid end to end — a steady rate, a ramp, a burst — and generated
 * from a seed: every variant gets the same orders at the same moments.
 *
 * @param orders    the orders, in the order they are due
 * @param dueNanos  when each is due, in nanoseconds after the start (non-decreasing)
 * @param lengthNanos the length of the schedule (the end of its last phase)
 */
public record Workload(List<PlaceOrderRequest> orders, long[] dueNanos, long lengthNanos) {

  static final String[] SKUS = {"SKU-APPLE", "SKU-BANANA", "SKU-CHERRY"};
  private static final long[] PRICES = {1_500, 800, 4_000};
  /** One unit at this price exceeds the demo's payment limit: the order is declined and its stock released. */
  static final long LUXURY_PRICE_CENTS = 25_000;
  /** The share of orders priced above the payment limit unless a workload says otherwise. */
  static final double DEFAULT_LUXURY_SHARE = 0.1;

  /** A stretch of the schedule. */
  public sealed interface Phase {
    /** How long it lasts, in nanoseconds. */
    long lengthNanos();

    /** When each of its orders is due, relative to the phase's start. */
    long[] arrivals();
  }

  /** {@code rate} orders per second for {@code lengthMs}. */
  public record Steady(double rate, long lengthMs) implements Phase {
    @Override
    public long lengthNanos() {
      return lengthMs * 1_000_000L;
    }

    @Override
    public long[] arrivals() {
      int count = (int) Math.floor(rate * lengthMs / 1000.0);
      long[] due = new long[count];
      for (int i = 0; i < count; i++) {
        due[i] = (long) (i * 1e9 / rate);
      }
      return due;
    }
  }

  /** A rate rising (or falling) linearly from {@code fromRate} to {@code toRate} over {@code lengthMs}. */
  public record Ramp(double fromRate, double toRate, long lengthMs) implements Phase {
    @Override
    public long lengthNanos() {
      return lengthMs * 1_000_000L;
    }

    @Override
    public long[] arrivals() {
      double seconds = lengthMs / 1000.0;
      double slope = (toRate - fromRate) / seconds;
      int count = (int) Math.floor((fromRate + toRate) / 2 * seconds);
      long[] due = new long[count];
      for (int i = 0; i < count; i++) {
        // the time t at which fromRate·t + slope·t²/2 = i
        double t = slope == 0 ? i / fromRate
            : (-fromRate + Math.sqrt(fromRate * fromRate + 2 * slope * i)) / slope;
        due[i] = (long) (t * 1e9);
      }
      return due;
    }
  }

  /** {@code orders} orders spread evenly within {@code withinMs} (all at once when it is 0). */
  public record Burst(int orders, long withinMs) implements Phase {
    @Override
    public long lengthNanos() {
      return withinMs * 1_000_000L;
    }

    @Override
    public long[] arrivals() {
      long[] due = new long[orders];
      for (int i = 0; i < orders; i++) {
        due[i] = withinMs * 1_000_000L * i / Math.max(1, orders);
      }
      return due;
    }
  }

  /** What the orders buy: the share of single units priced above the payment limit, and the seed. */
  public record Mix(double luxuryShare, long seed) {
  }

  /**
   * {@code count} orders at {@code ratePerSecond}: most buy one or two units of one SKU (weighted
   * 40/40/20), one in ten is a single unit priced above the payment limit.
   */
  public static Workload checkout(int count, int ratePerSecond, long seed) {
    return of(List.of(new Steady(ratePerSecond, (long) Math.ceil(count * 1000.0 / ratePerSecond))),
        new Mix(DEFAULT_LUXURY_SHARE, seed), count);
  }

  /**
   * {@code rate} orders per second for {@code lengthMs}, order {@code i} made by {@code order} when
   * it is asked for rather than up front: a long run at a high rate holds only its schedule.
   */
  public static Workload steady(double rate, long lengthMs, IntFunction<PlaceOrderRequest> order) {
    Steady steady = new Steady(rate, lengthMs);
    long[] due = steady.arrivals();
    List<PlaceOrderRequest> orders = new AbstractList<>() {
      @Override
      public PlaceOrderRequest get(int index) {
        return order.apply(Objects.checkIndex(index, due.length));
      }

      @Override
      public int size() {
        return due.length;
      }
    };
    return new Workload(orders, due, steady.lengthNanos());
  }

  /** The phases, end to end, with orders generated from the mix. */
  public static Workload of(List<Phase> phases, Mix mix) {
    return of(phases, mix, Integer.MAX_VALUE);
  }

  private static Workload of(List<Phase> phases, Mix mix, int atMost) {
    List<Long> due = new ArrayList<>();
    long offset = 0;
    for (Phase phase : phases) {
      for (long arrival : phase.arrivals()) {
        if (due.size() < atMost) {
          due.add(offset + arrival);
        }
      }
      offset += phase.lengthNanos();
    }
    Random random = new Random(mix.seed());
    List<PlaceOrderRequest> orders = new ArrayList<>(due.size());
    for (int i = 0; i < due.size(); i++) {
      orders.add(order(random, mix, i));
    }
    return new Workload(List.copyOf(orders), due.stream().mapToLong(Long::longValue).toArray(), offset);
  }

  private static PlaceOrderRequest order(Random random, Mix mix, int index) {
    int pick = random.nextInt(10);
    int sku = pick < 4 ? 0 : pick < 8 ? 1 : 2;
    boolean luxury = random.nextDouble() < mix.luxuryShare();
    LineItem item = LineItem.newBuilder()
        .setSku(SKUS[sku])
        .setQuantity(luxury ? 1 : 1 + random.nextInt(2))
        .setUnitPriceCents(luxury ? LUXURY_PRICE_CENTS : PRICES[sku])
        .build();
    return PlaceOrderRequest.newBuilder()
        .setCustomerId("customer-" + random.nextInt(50))
        .addItems(item)
        .setIdempotencyKey("order-" + mix.seed() + "-" + index)
        .build();
  }

  /** Nanoseconds after the start at which order {@code index} is due. */
  long dueNanos(int index) {
    return dueNanos[index];
  }

  /** How many orders are due by {@code elapsedNanos} after the start. */
  int dueBy(long elapsedNanos) {
    int low = 0;
    int high = dueNanos.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (dueNanos[mid] <= elapsedNanos) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
