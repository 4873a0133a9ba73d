package dev.switchboard.experiment.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names of what an experiment measures, as they appear in {@code results.json} and in
 * hypotheses, each with what it means. Latencies are in milliseconds, from each order's intended
 * start (open loop: a slow system cannot hold arrivals back).
 */
public final class Measures {

  /** Over a variant's whole run: {@code variants[].summary}. */
  public static final Map<String, String> SUMMARY = ordered(
      "offered", "orders the workload scheduled",
      "sent", "orders sent (PlaceOrder calls made)",
      "accepted", "PlaceOrder calls answered with an order id",
      "answered_pending", "PlaceOrder calls answered PENDING: the order went on asynchronously (event mode, or a degraded step)",
      "confirmed", "orders that ended CONFIRMED",
      "rejected", "orders that ended REJECTED, whatever the reason",
      "rejected_stock", "orders rejected for stock",
      "rejected_payment", "orders rejected by payment (declined)",
      "rejected_other", "orders rejected for another reason (a failed, slow or unavailable step)",
      "errors", "PlaceOrder calls that failed (no order id came back), any status",
      "errors_unavailable", "errors with status UNAVAILABLE",
      "errors_deadline_exceeded", "errors with status DEADLINE_EXCEEDED (the client's deadline included)",
      "errors_resource_exhausted", "errors with status RESOURCE_EXHAUSTED",
      "errors_other", "errors with any other status",
      "success_rate", "confirmed / sent",
      "success_ci_low", "lower bound of the 99.9% (Wilson) confidence interval of success_rate",
      "success_ci_high", "upper bound of the 99.9% (Wilson) confidence interval of success_rate",
      "lost", "accepted orders that never reached a terminal state (the services' own records)",
      "duplicated_effects", "effects beyond one per order that should have it: the four below summed",
      "duplicate_charges", "charges beyond one per charged order",
      "duplicate_notifications", "notifications beyond one per terminal order",
      "duplicate_shipments", "shipments beyond one per confirmed order",
      "duplicate_reservations", "stock reservations beyond one per order and SKU",
      "stock_error_units", "|available − (initial − confirmed units)| + units still reserved, over every SKU",
      "money_error_cents", "|captured − the total of confirmed orders|",
      "charges_kept_for_rejected", "rejected orders still holding a charge",
      "compensations", "compensating steps that ran (stock released, payments refunded, shipments cancelled)",
      "sagas_completed", "checkout sagas that completed",
      "sagas_compensated", "checkout sagas that were compensated",
      "sagas_failed", "checkout sagas whose compensation gave up",
      "place_p50_ms", "PlaceOrder latency of the calls answered (failed calls are counted in errors), median",
      "place_p90_ms", "PlaceOrder latency, 90th percentile",
      "place_p99_ms", "PlaceOrder latency, 99th percentile",
      "place_p999_ms", "PlaceOrder latency, 99.9th percentile",
      "place_max_ms", "PlaceOrder latency, maximum",
      "terminal_p50_ms", "time to terminal state, median",
      "terminal_p90_ms", "time to terminal state, 90th percentile",
      "terminal_p99_ms", "time to terminal state, 99th percentile",
      "terminal_p999_ms", "time to terminal state, 99.9th percentile",
      "terminal_max_ms", "time to terminal state, maximum",
      "throughput_per_s", "terminal orders per second, first order to last terminal state",
      "duration_s", "seconds from the first order to the last terminal state",
      "drain_s", "seconds from the last order sent to the last terminal state",
      "max_backlog", "most orders accepted and not yet terminal at once (the order book's PENDING orders, sampled each second)",
      "max_queue_depth", "most messages waiting or in flight at the services' consumers at once",
      "consistency_lag_p50_ms", "median time from a client seeing CONFIRMED to stock and notification reflecting it",
      "consistency_lag_p75_ms", "75th percentile of that consistency lag: the lag a quarter of the sampled orders waited at least",
      "consistency_lag_p99_ms", "99th percentile of that consistency lag",
      "consistency_lag_max_ms", "maximum of that consistency lag",
      "consistency_stale_share", "share of sampled confirmed orders (one in four) not yet reflected when the client saw CONFIRMED",
      "consistency_unresolved", "sampled confirmed orders still not reflected when the run ended (no lag recorded for them)",
      "retries", "handler attempts retried after an uncertain failure",
      "degraded_calls", "rpc calls that could not be made and went as commands on the operation's event path instead (fallback: event)",
      "call_rejections", "rpc calls the caller's own policy refused to make (breaker open, concurrency limit reached), every reason",
      "dead_letters", "messages dead-lettered",
      "cpu_avg_pct", "the process's CPU use, average over the run (100 = one core)",
      "heap_max_mb", "the most heap in use, sampled each second");

  /**
   * Over a named window of a variant's run, the orders due within it: {@code variants[].windows.<window>},
   * and {@code <window>.<measure>} in hypotheses.
   */
  public static final Map<String, String> WINDOW = ordered(
      "from_s", "where the window begins, in seconds since the start of the workload",
      "until_s", "where it ends (exclusive)",
      "sent", "orders due within the window and sent",
      "answered_pending", "of those, PlaceOrder calls answered PENDING",
      "errors", "of those, PlaceOrder calls that failed",
      "confirmed", "of those, orders that ended CONFIRMED",
      "rejected", "of those, orders that ended REJECTED",
      "place_p50_ms", "PlaceOrder latency of those answered, median",
      "place_p90_ms", "... 90th percentile",
      "place_p99_ms", "... 99th percentile",
      "terminal_p50_ms", "time to terminal state of those that ended, median",
      "terminal_p90_ms", "... 90th percentile",
      "terminal_p99_ms", "... 99th percentile");

  /** Per second of a variant's run: {@code variants[].series[]}, each entry with {@code t_s} first. */
  public static final Map<String, String> SERIES = ordered(
      "t_s", "seconds since the start of the workload",
      "offered", "orders scheduled in this second",
      "sent", "orders sent in this second",
      "answered", "PlaceOrder answers received in this second",
      "errors", "PlaceOrder errors in this second",
      "terminal", "orders that reached a terminal state in this second",
      "confirmed", "orders confirmed in this second",
      "backlog", "orders accepted and not yet terminal (the order book's PENDING orders), at the end of the second",
      "queue_depth", "messages waiting or in flight at the services' consumers, at the end of the second "
          + "(and queue_depth.<operation> for each operation's consumer)",
      "place_p50_ms", "PlaceOrder latency of the answers in this second, median",
      "place_p99_ms", "... 99th percentile",
      "terminal_p50_ms", "time to terminal of the orders that ended in this second, median",
      "terminal_p99_ms", "... 99th percentile",
      "consistency_lag_p99_ms", "consistency lag of the samples taken in this second, 99th percentile",
      "degraded_calls", "rpc calls that went as commands instead in this second (fallback: event)",
      "call_rejections", "rpc calls the caller's own policy refused in this second (breaker open, limit reached)",
      "cpu_pct", "the process's CPU use in this second (100 = one core)",
      "heap_mb", "heap in use at the end of the second",
      "active_faults", "schedule entries active during this second: faults, stopped services and mode flips");

  private Measures() {
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
