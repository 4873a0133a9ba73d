package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of the orders a load run sent to one target (or to all of them): every order sent is
 * in exactly one of confirmed, rejected (by {@link Rejection} class), failed (PlaceOrder ended with a
 * gRPC status other than OK, by status) and not ended (no terminal state within the grace period).
 * Terminal latencies are of the measured orders only (due after the warm-up); the throughput counts
 * terminal states reached within the measured window. Touched from the run's one context only.
 */
public final class LoadTally {

  private final String name;
  private final Histogram latency = Latencies.histogram();
  private final Map<Rejection, Integer> rejected = new EnumMap<>(Rejection.class);
  private final Map<String, Integer> failed = new TreeMap<>();
  private int sent;
  private int answered;
  private int answeredPending;
  private int confirmed;
  private int failedCalls;
  private int measured;
  private int endedInWindow;

  LoadTally(String name) {
    this.name = name;
    for (Rejection rejection : Rejection.values()) {
      rejected.put(rejection, 0);
    }
  }

  public String name() {
    return name;
  }

  void sent(boolean measuredOrder) {
    sent++;
    if (measuredOrder) {
      measured++;
    }
  }

  void answered(boolean pending) {
    answered++;
    if (pending) {
      answeredPending++;
    }
  }

  /**
   * @param latencyMicros from the order's intended start, recorded when the order is measured
   * @param inWindow      whether it ended within the measured window
   */
  void ended(Order order, boolean measuredOrder, long latencyMicros, boolean inWindow) {
    if (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED) {
      confirmed++;
    } else {
      rejected.merge(Rejection.of(order.getReason()), 1, Integer::sum);
    }
    if (measuredOrder) {
      latency.recordValue(latencyMicros);
    }
    if (inWindow) {
      endedInWindow++;
    }
  }

  void failed(String status) {
    failedCalls++;
    failed.merge(status, 1, Integer::sum);
  }

  public int sent() {
    return sent;
  }

  public int confirmed() {
    return confirmed;
  }

  int rejected(Rejection rejection) {
    return rejected.get(rejection);
  }

  public int rejected() {
    return rejected.values().stream().mapToInt(Integer::intValue).sum();
  }

  public int ended() {
    return confirmed + rejected();
  }

  public int failedCalls() {
    return failedCalls;
  }

  /** Failed calls by gRPC status name. */
  Map<String, Integer> failedByStatus() {
    return Map.copyOf(failed);
  }

  /** Sent, and neither terminal nor failed (yet, or within the grace period). */
  public int notEnded() {
    return sent - ended() - failedCalls;
  }

  /** Of those not ended: PlaceOrder never answered. */
  int notAnswered() {
    return sent - answered - failedCalls;
  }

  /** Of those not ended: answered PENDING, never seen terminal. */
  int stillPending() {
    return answered - ended();
  }

  int answeredPending() {
    return answeredPending;
  }

  public int measured() {
    return measured;
  }

  public int endedInWindow() {
    return endedInWindow;
  }

  Histogram latency() {
    return latency;
  }

  /** Terminal states reached per second of the measured window. */
  public double throughput(int windowSeconds) {
    return (double) endedInWindow / windowSeconds;
  }

  public double latencyMillis(double percentile) {
    return Latencies.millis(latency, percentile);
  }

  public double maxLatencyMillis() {
    return Latencies.maxMillis(latency);
  }

  /** The tally as JSON-ready values (NaN, when nothing was measured, as null). */
  Map<String, Object> json(int windowSeconds) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sent", sent);
    json.put("answered_pending", answeredPending);
    json.put("confirmed", confirmed);
    Map<String, Object> rejections = new LinkedHashMap<>();
    rejected.forEach((rejection, count) -> rejections.put(rejection.measure(), count));
    json.put("rejected", rejected());
    json.put("rejected_by_reason", rejections);
    json.put("failed", failedCalls);
    json.put("failed_by_status", new LinkedHashMap<>(failed));
    json.put("not_ended", notEnded());
    json.put("not_ended_no_answer", notAnswered());
    json.put("not_ended_pending", stillPending());
    json.put("measured_orders", measured);
    json.put("terminal_in_window", endedInWindow);
    json.put("throughput_per_s", throughput(windowSeconds));
    Map<String, Object> latencies = new LinkedHashMap<>();
    latencies.put("p50", orNull(latencyMillis(50)));
    latencies.put("p90", orNull(latencyMillis(90)));
    latencies.put("p99", orNull(latencyMillis(99)));
    latencies.put("max", orNull(maxLatencyMillis()));
    latencies.put("count", latency.getTotalCount());
    json.put("terminal_latency_ms", latencies);
    return json;
  }

  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }
}
