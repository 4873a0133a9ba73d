package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives one variant: places the workload's orders on the open-loop schedule through a real gRPC
 * client, follows every PENDING order with WatchOrder, and records what clients saw — over the
 * whole run and second by second. All callbacks run on the client's one event-loop context.
 */
final class VariantRun {

  /** What the run samples from the system under test once a second, besides what its client sees. */
  interface Probe {
    /** The run started at {@code startNanos} ({@link System#nanoTime()}): a fault schedule starts its clock. */
    default void started(long startNanos) {
    }

    /** Messages waiting or in flight at each operation's consumer. */
    Map<String, Integer> queueDepths();

    /** Orders the system accepted and has not brought to a terminal state (its own records), or null when unknown. */
    Future<Long> backlog();

    /**
     * Counts the node kept since it started, by series name ({@code degraded_calls}, {@code call_rejections}):
     * the series shows how many were added each second.
     */
    default Map<String, Long> counts() {
      return Map.of();
    }

    /** The faults active right now, described; empty when none. */
    List<String> activeFaults();

    /** Whether the services' own state reflects the confirmed order (stock sold, customer notified). */
    Future<Boolean> reflected(String orderId);

    Probe NONE = new Probe() {
      @Override
      public Map<String, Integer> queueDepths() {
        return Map.of();
      }

      @Override
      public Future<Long> backlog() {
        return Future.succeededFuture(null);
      }

      @Override
      public List<String> activeFaults() {
        return List.of();
      }

      @Override
      public Future<Boolean> reflected(String orderId) {
        return Future.succeededFuture(true);
      }
    };
  }

  /** One confirmed order in this many is followed for its consistency lag. */
  static final int SAMPLE_EVERY = 4;
  private static final long SAMPLE_FIRST_POLL_MS = 1;
  private static final long SAMPLE_MAX_POLL_MS = 50;

  private final Vertx vertx;
  private final CheckoutGrpcClient client;
  private final CheckoutGrpcClient watcher;
  private final String variant;
  private final Workload workload;
  private final long graceMs;
  private final long clientTimeoutMs;
  private final Probe probe;
  private final Consumer<String> progress;
  private final Promise<Void> finished = Promise.promise();
  private final Promise<Void> recorded = Promise.promise();
  private final ProcessSampler process = new ProcessSampler();
  private final List<WindowMeasures> windows;
  private final OrderFollower follower;

  private final Histogram placeLatency = histogram();
  private final Histogram terminalLatency = histogram();
  private final Histogram consistencyLag = histogram();
  private final Histogram secondPlace = histogram();
  private final Histogram secondTerminal = histogram();
  private final Histogram secondLag = histogram();
  final Map<String, Order> terminalOrders = new HashMap<>();
  final Map<String, Integer> errorsByStatus = new LinkedHashMap<>();
  final List<Map<String, Number>> series = new ArrayList<>();
  private final OpenLoopSender sender;
  private int accepted;
  private int answeredPending;
  private int confirmed;
  private int rejectedStock;
  private int rejectedPayment;
  private int rejectedOther;
  private int errors;
  private int done;
  private long startNanos;
  private long lastTerminalNanos;
  private int seconds;
  private long maxBacklog;
  private long maxQueueDepth;
  private int samples;
  private int staleSamples;
  private int unresolvedSamples;
  private final java.util.BitSet settled = new java.util.BitSet();
  private final int[] previous = new int[5];
  private final Map<String, Long> previousCounts = new HashMap<>();
  /** The per-second entries are completed in order, each once the system's backlog has been read. */
  private Future<Void> seriesWritten = Future.succeededFuture();

  /**
   * @param client  places the orders
   * @param watcher follows them (connections of its own)
   */
  VariantRun(Vertx vertx, CheckoutGrpcClient client, CheckoutGrpcClient watcher, String variant, Workload workload,
             List<ExperimentSpec.WindowSpec> windows, long graceMs, long clientTimeoutMs, Probe probe,
             Consumer<String> progress) {
    this.vertx = vertx;
    this.client = client;
    this.watcher = watcher;
    this.variant = variant;
    this.workload = workload;
    this.graceMs = graceMs;
    this.clientTimeoutMs = clientTimeoutMs;
    this.probe = probe;
    this.progress = progress;
    this.windows = windows.stream().map(WindowMeasures::new).toList();
    this.follower = new OrderFollower(vertx, () -> finished.future().isComplete());
    // every order when it is due, however many are due at once (a burst is part of the experiment)
    this.sender = new OpenLoopSender(vertx, workload, Integer.MAX_VALUE, this::place);
  }

  /**
   * Completes when every order is terminal or failed, or when the grace period after the last one
   * ends, and the last second is recorded.
   */
  Future<Void> run() {
    vertx.runOnContext(start -> {
      startNanos = System.nanoTime();
      process.start();
      probe.started(startNanos);
      sender.start(startNanos);
      long reporter = vertx.setPeriodic(1_000, tick -> second());
      long deadline = vertx.setTimer(Math.max(1, workload.lengthNanos() / 1_000_000 + graceMs),
          expired -> finished.tryComplete());
      if (workload.orders().isEmpty()) {
        finished.tryComplete();
      }
      finished.future().onComplete(over -> {
        sender.stop();
        vertx.cancelTimer(reporter);
        vertx.cancelTimer(deadline);
        second();
        seriesWritten.onComplete(recorded);
      });
    });
    return recorded.future();
  }

  private void place(int index) {
    PlaceOrderRequest request = workload.orders().get(index);
    long intended = startNanos + workload.dueNanos(index);
    inWindows(index, WindowMeasures::sent);
    follower.place(client, watcher, request, "xp-" + variant + "-" + index, clientTimeoutMs,
        new OrderFollower.Listener() {
          @Override
          public void answered(PlaceOrderResponse response) {
            accepted++;
            long latency = Latencies.microsSince(intended);
            placeLatency.recordValue(latency);
            secondPlace.recordValue(latency);
            boolean pending = response.getStatus() == OrderStatus.ORDER_STATUS_PENDING;
            inWindows(index, window -> window.answered(latency, pending));
            if (pending) {
              answeredPending++;
            }
          }

          @Override
          public void ended(Order order) {
            terminal(index, order, intended);
          }

          @Override
          public void failed(Throwable failure) {
            error(index, failure);
          }
        });
  }

  private void error(int index, Throwable failure) {
    if (!settle(index)) {
      return;
    }
    errors++;
    inWindows(index, WindowMeasures::failed);
    String status = GrpcCallException.statusOf(failure).name();
    errorsByStatus.merge(status, 1, Integer::sum);
  }

  private void terminal(int index, Order order, long intended) {
    if (!settle(index)) {
      return;
    }
    terminalOrders.put(order.getOrderId(), order);
    long latency = Latencies.microsSince(intended);
    terminalLatency.recordValue(latency);
    secondTerminal.recordValue(latency);
    inWindows(index, window -> window.ended(latency, order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED));
    lastTerminalNanos = System.nanoTime();
    if (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED) {
      confirmed++;
      if (confirmed % SAMPLE_EVERY == 0) {
        sample(order.getOrderId());
      }
    } else {
      switch (Rejection.of(order.getReason())) {
        case STOCK -> rejectedStock++;
        case PAYMENT -> rejectedPayment++;
        case OTHER -> rejectedOther++;
      }
    }
  }

  /**
   * Consistency lag, for every {@value #SAMPLE_EVERY}th confirmed order: from the moment the client
   * sees it confirmed until the services' own state reflects it, polled with backoff. A sample still
   * unresolved when the run ends is counted as such, not given a made-up lag.
   */
  private void sample(String orderId) {
    samples++;
    follow(orderId, System.nanoTime(), SAMPLE_FIRST_POLL_MS, true);
  }

  private void follow(String orderId, long seen, long nextPollMs, boolean first) {
    probe.reflected(orderId).onComplete(reflected -> {
      if (reflected.succeeded() && reflected.result()) {
        // reflected at the first look: already consistent when the client saw it (the look's own time is not lag)
        long lag = first ? 1 : Latencies.microsSince(seen);
        if (!first) {
          staleSamples++;
        }
        consistencyLag.recordValue(lag);
        secondLag.recordValue(lag);
      } else if (recorded.future().isComplete()) {
        unresolvedSamples++;
      } else {
        vertx.setTimer(nextPollMs, again -> follow(orderId, seen, Math.min(SAMPLE_MAX_POLL_MS, nextPollMs * 2), false));
      }
    });
  }

  private void inWindows(int index, Consumer<WindowMeasures> action) {
    long due = workload.dueNanos(index);
    for (WindowMeasures window : windows) {
      if (window.holds(due)) {
        action.accept(window);
      }
    }
  }

  /** The measures of each named window, by name, in the file's order. */
  Map<String, Map<String, Number>> windowMeasures() {
    Map<String, Map<String, Number>> measures = new LinkedHashMap<>();
    windows.forEach(window -> measures.put(window.name(), window.measures()));
    return measures;
  }

  /** Marks the order as settled (terminal, or failed at PlaceOrder); false when it already was. */
  private boolean settle(int index) {
    if (settled.get(index) || finished.future().isComplete()) {
      return false;
    }
    settled.set(index);
    done++;
    if (done == workload.orders().size()) {
      finished.tryComplete();
    }
    return true;
  }

  /** Closes the current second: one entry of the series, and one progress line. */
  private void second() {
    long elapsed = System.nanoTime() - startNanos;
    int second = seconds + 1;
    seconds = second;
    int terminal = terminalOrders.size();
    Map<String, Integer> depths = probe.queueDepths();
    long queueDepth = depths.values().stream().mapToLong(Integer::longValue).sum();
    List<String> faults = probe.activeFaults();
    maxQueueDepth = Math.max(maxQueueDepth, queueDepth);
    ProcessSampler.Sample use = process.sample();
    Map<String, Number> entry = new LinkedHashMap<>();
    entry.put("t_s", second);
    entry.put("offered", workload.dueBy(TimeUnit.SECONDS.toNanos(second) - 1)
        - workload.dueBy(TimeUnit.SECONDS.toNanos(second - 1) - 1));
    entry.put("sent", sender.sent() - previous[0]);
    entry.put("answered", accepted - previous[1]);
    entry.put("errors", errors - previous[2]);
    entry.put("terminal", terminal - previous[3]);
    entry.put("confirmed", confirmed - previous[4]);
    entry.put("backlog", 0);
    entry.put("queue_depth", queueDepth);
    depths.forEach((operation, depth) -> entry.put("queue_depth." + operation, depth));
    entry.put("place_p50_ms", millis(secondPlace, 50));
    entry.put("place_p99_ms", millis(secondPlace, 99));
    entry.put("terminal_p50_ms", millis(secondTerminal, 50));
    entry.put("terminal_p99_ms", millis(secondTerminal, 99));
    entry.put("consistency_lag_p99_ms", millis(secondLag, 99));
    Map<String, Long> counts = probe.counts();
    counts.forEach((name, count) -> entry.put(name, count - previousCounts.getOrDefault(name, 0L)));
    previousCounts.putAll(counts);
    entry.put("cpu_pct", use.cpuPercent());
    entry.put("heap_mb", use.heapMb());
    entry.put("active_faults", faults.size());
    previous[0] = sender.sent();
    previous[1] = accepted;
    previous[2] = errors;
    previous[3] = terminal;
    previous[4] = confirmed;
    secondPlace.reset();
    secondTerminal.reset();
    secondLag.reset();
    int offered = workload.dueBy(elapsed);
    // what the client knows (sent, neither answered with a terminal state nor failed) until the system's own count arrives
    long seenByClient = sender.sent() - terminal - errors;
    Future<Long> backlog = probe.backlog().timeout(1, TimeUnit.SECONDS).otherwise((Long) null);
    seriesWritten = seriesWritten.compose(previousSecond -> backlog.map(counted -> {
      long orders = counted != null ? counted : seenByClient;
      entry.put("backlog", orders);
      maxBacklog = Math.max(maxBacklog, orders);
      series.add(entry);
      progress.accept(String.format("[%s] %3ds offered %d, answered %d, terminal %d, errors %d, backlog %d, queue %d%s%s",
          variant, second, offered, accepted, terminal, errors, orders, queueDepth, deepest(depths),
          faults.isEmpty() ? "" : ", faults: " + String.join("; ", faults)));
      return null;
    }));
  }

  /** The operation with the most waiting, when it holds most of the queue: where the backlog sits. */
  private static String deepest(Map<String, Integer> depths) {
    return depths.entrySet().stream().max(Map.Entry.comparingByValue())
        .filter(entry -> entry.getValue() >= 10)
        .map(entry -> " (" + entry.getKey() + " " + entry.getValue() + ")").orElse("");
  }

  private static double millis(Histogram histogram, double percentile) {
    return Latencies.millis(histogram, percentile);
  }

  private static Histogram histogram() {
    return Latencies.histogram();
  }

  int offered() {
    return workload.orders().size();
  }

  int sent() {
    return sender.sent();
  }

  int accepted() {
    return accepted;
  }

  int answeredPending() {
    return answeredPending;
  }

  int confirmed() {
    return confirmed;
  }

  int rejectedStock() {
    return rejectedStock;
  }

  int rejectedPayment() {
    return rejectedPayment;
  }

  int rejectedOther() {
    return rejectedOther;
  }

  int errors() {
    return errors;
  }

  long maxBacklog() {
    return maxBacklog;
  }

  long maxQueueDepth() {
    return maxQueueDepth;
  }

  int samples() {
    return samples;
  }

  int staleSamples() {
    return staleSamples;
  }

  int unresolvedSamples() {
    return unresolvedSamples;
  }

  Histogram placeLatency() {
    return placeLatency;
  }

  Histogram terminalLatency() {
    return terminalLatency;
  }

  Histogram consistencyLag() {
    return consistencyLag;
  }

  double cpuAveragePercent() {
    return process.averageCpuPercent();
  }

  double heapMaxMb() {
    return process.maxHeapMb();
  }

  /** Seconds from the first order to the last terminal state (to now while none ended). */
  double seconds() {
    return ((lastTerminalNanos == 0 ? System.nanoTime() : lastTerminalNanos) - startNanos) / 1e9;
  }

  /** Seconds from the last order sent to the last terminal state. */
  double drainSeconds() {
    long lastDue = workload.dueNanos().length == 0 ? 0 : workload.dueNanos(workload.orders().size() - 1);
    return lastTerminalNanos == 0 ? 0 : Math.max(0, (lastTerminalNanos - startNanos - lastDue) / 1e9);
  }

  VariantResult result(List<String> violations) {
    int terminal = confirmed + rejectedStock + rejectedPayment + rejectedOther;
    return new VariantResult(variant, sender.sent(), accepted, confirmed, rejectedStock, rejectedPayment, rejectedOther, errors,
        accepted - terminal, placeLatency, terminalLatency, seconds(), violations);
  }
}
