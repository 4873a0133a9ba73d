package dev.switchboard.experiment;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one load run did, over all targets and per target, and whether the targets kept up with it:
 * terminal throughput at least {@value #KEEP_UP_SHARE} of the offered rate, p99 under
 * {@value #KEEP_UP_P99_MS} ms, and no backlog growing over the measured window.
 *
 * @param backlogGrowth orders in flight at the end of the measured window minus at its start
 * @param maxSendLagMs  how far behind its schedule the generator sent a measured order at worst: its own
 *                      event loop was late (a busy machine), so the targets got the load later and
 *                      burstier than planned (latencies still count from the planned start)
 * @param settling      how the orders left open at the run's end ended after it, when the run waited for
 *                      them ({@code load --find-max}, after each step); null when it did not
 */
public record LoadResult(int rate, int seconds, int warmup, int graceSeconds, LoadTally total, List<LoadTally> targets,
                  long backlogGrowth, double maxSendLagMs, Settling settling) {

  /**
   * After the run's end, until its open orders ended or the wait was over: what it waited for. Their
   * terminal states do not count in the run's tallies (they came after its end); they are waited for
   * so that the next run does not start on targets still working off this one's backlog.
   *
   * @param openAtEnd  orders placed but not ended when the run ended (PlaceOrder unanswered or PENDING)
   * @param stillOpen  of those, how many had not ended when the wait was over
   * @param waitedMs   how long the wait took
   * @param limitMs    how long it could take at most
   */
  public record Settling(long openAtEnd, long stillOpen, long waitedMs, long limitMs) {

    /** Whether every order of the run ended before the next one starts. */
    public boolean settled() {
      return stillOpen == 0;
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("open_at_end", openAtEnd);
      json.put("still_open", stillOpen);
      json.put("waited_ms", waitedMs);
      json.put("limit_ms", limitMs);
      return json;
    }
  }

  public static final double KEEP_UP_SHARE = 0.95;
  public static final double KEEP_UP_P99_MS = 1_000;
  /** A backlog grows when it gains more than this share of the window's orders (or 5 orders). */
  static final double BACKLOG_GROWTH_SHARE = 0.05;
  /** A send lag beyond this is worth a line in the report. */
  static final double NOTABLE_SEND_LAG_MS = 100;

  public LoadResult {
    targets = List.copyOf(targets);
  }

  /** Terminal states reached per second of the measured window, over all targets. */
  public double throughput() {
    return total.throughput(seconds);
  }

  /** Why the targets did not keep up with the rate; empty when they did. */
  public List<String> shortfalls() {
    List<String> shortfalls = new ArrayList<>();
    if (throughput() < KEEP_UP_SHARE * rate) {
      shortfalls.add(String.format(Locale.ROOT, "terminal throughput %.1f/s is below %.0f%% of the offered %d/s",
          throughput(), KEEP_UP_SHARE * 100, rate));
    }
    double p99 = total.latencyMillis(99);
    if (Double.isNaN(p99)) {
      shortfalls.add("no measured order ended");
    } else if (p99 >= KEEP_UP_P99_MS) {
      shortfalls.add(String.format(Locale.ROOT, "p99 %.1f ms is not under %.0f ms", p99, KEEP_UP_P99_MS));
    }
    if (backlogGrowth > allowedGrowth()) {
      shortfalls.add("the backlog grew by " + backlogGrowth + " orders over the measured window");
    }
    return shortfalls;
  }

  public boolean keptUp() {
    return shortfalls().isEmpty();
  }

  private long allowedGrowth() {
    return Math.max(5, Math.round(BACKLOG_GROWTH_SHARE * rate * seconds));
  }

  /** The run as JSON-ready values: its rate and window, over all targets, and per target. */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rate", rate);
    json.put("seconds", seconds);
    json.put("warmup_seconds", warmup);
    json.put("grace_seconds", graceSeconds);
    json.put("kept_up", keptUp());
    json.put("shortfalls", shortfalls());
    json.put("backlog_growth", backlogGrowth);
    json.put("max_send_lag_ms", maxSendLagMs);
    json.put("total", total.json(seconds));
    if (settling != null) {
      json.put("settling", settling.json());
    }
    Map<String, Object> perTarget = new LinkedHashMap<>();
    targets.forEach(target -> perTarget.put(target.name(), target.json(seconds)));
    json.put("per_target", perTarget);
    return json;
  }

  /** A table, one row over all targets and one per target, then what failed, what did not end, and what the columns mean. */
  void print(PrintStream out) {
    int width = Math.max(8, targets.stream().mapToInt(target -> target.name().length()).max().orElse(0) + 2);
    String header = String.format("%-" + width + "s%8s%11s%11s%9s%9s%8s%11s%10s%9s%9s%9s%9s", "target", "sent",
        "confirmed", "rej stock", "rej pay", "rej oth", "failed", "not ended", "orders/s", "p50 ms", "p90 ms",
        "p99 ms", "max ms");
    out.println(header);
    out.println("-".repeat(header.length()));
    Stream.concat(Stream.of(total), targets.size() > 1 ? targets.stream() : Stream.empty())
        .forEach(tally -> out.println(row(tally, width)));
    if (total.failedCalls() > 0) {
      out.println("failed calls by status: " + statuses(total)
          + (targets.size() > 1 ? "; " + targets.stream().filter(target -> target.failedCalls() > 0)
          .map(target -> target.name() + " " + statuses(target)).collect(Collectors.joining("; ")) : ""));
    }
    if (total.notEnded() > 0) {
      out.printf("not ended within the %d s grace: %d (no answer to PlaceOrder %d, PENDING %d)%n", graceSeconds,
          total.notEnded(), total.notAnswered(), total.stillPending());
    }
    if (total.rejected(Rejection.STOCK) > 0) {
      out.printf("%d orders were rejected for stock: the targets need more (inventory.stock.<SKU>) or the run measures"
          + " rejections%n", total.rejected(Rejection.STOCK));
    }
    if (maxSendLagMs > NOTABLE_SEND_LAG_MS) {
      out.printf(Locale.ROOT, "the generator sent up to %.0f ms behind its schedule (its own event loop was late: a"
          + " busy machine?): the targets got the load later and burstier than planned%n", maxSendLagMs);
    }
    out.printf("orders/s: terminal states reached per second within the %d s measured window (after %d s of"
        + " warm-up); latencies: from each order's intended start to its terminal state, %d orders due in the"
        + " window%n", seconds, warmup, total.measured());
  }

  private String row(LoadTally tally, int width) {
    return String.format(Locale.ROOT, "%-" + width + "s%8d%11d%11d%9d%9d%8d%11d%10.1f%9s%9s%9s%9s", tally.name(),
        tally.sent(), tally.confirmed(), tally.rejected(Rejection.STOCK), tally.rejected(Rejection.PAYMENT),
        tally.rejected(Rejection.OTHER), tally.failedCalls(), tally.notEnded(), tally.throughput(seconds),
        ms(tally.latencyMillis(50)), ms(tally.latencyMillis(90)), ms(tally.latencyMillis(99)),
        ms(tally.maxLatencyMillis()));
  }

  private static String statuses(LoadTally tally) {
    return tally.failedByStatus().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining(", "));
  }

  private static String ms(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.1f", millis);
  }
}
