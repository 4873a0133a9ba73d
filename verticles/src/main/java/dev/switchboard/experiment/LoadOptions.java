package dev.switchboard.experiment;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code switchboard load} was asked to do, validated by the command line.
 *
 * @param targets      the processes whose public gRPC edge takes the orders, round-robin
 * @param rate         orders per second, open loop (with {@code findMax}: the first step's rate)
 * @param seconds      the measured window (with {@code findMax}: each step's)
 * @param warmup       seconds of orders before the measured window, not measured
 * @param graceSeconds how long after the last order is due the run waits for orders to end
 * @param clients      connections per target for PlaceOrder (and as many for following PENDING orders)
 * @param skus         the SKUs the orders buy, one unit each, in turn
 * @param findMax      search for the highest rate the targets sustain instead of one run
 * @param maxRate      with {@code findMax}: the search does not go beyond this rate
 * @param out          where the results go as JSON, or null
 */
public record LoadOptions(List<Target> targets, int rate, int seconds, int warmup, int graceSeconds, int clients,
                          List<String> skus, boolean findMax, int maxRate, Path out) {

  public static final int DEFAULT_RATE = 100;
  public static final int DEFAULT_SECONDS = 30;
  public static final int DEFAULT_WARMUP = 5;
  public static final int DEFAULT_GRACE = 30;
  public static final int DEFAULT_CLIENTS = 8;
  public static final int MAX_RATE = 100_000;
  public static final int MAX_CLIENTS = 256;
  public static final int MAX_SECONDS = 3_600;
  /** Orders in one run at most ({@code rate × (warmup + seconds)}): its schedule is held in memory. */
  public static final long MAX_ORDERS = 5_000_000;
  public static final List<String> DEFAULT_SKUS = List.of("SKU-APPLE", "SKU-BANANA", "SKU-CHERRY");
  /** What every unit costs: far below any payment limit the shipped configurations set. */
  public static final long UNIT_PRICE_CENTS = 1_000;

  public LoadOptions {
    targets = List.copyOf(targets);
    skus = List.copyOf(skus);
  }

  /** One process's public gRPC edge. */
  public record Target(String host, int port) {
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
