package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
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

    /** Messages waiting or in flight at the services' consumers. */
    long queueDepth();

    /** The faults active right now, described; empty when none. */
    List<String> activeFaults();

    /** Whether the services' own state reflects the confirmed order (stock sold, customer notified). */
    Future<Boolean> reflected(String orderId);

    Probe NONE = new Probe() {
      @Override
      public long queueDepth() {
        return 0;
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

  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
  /** At most this many consistency samples are followed at once, so that sampling does not load the store. */
  private static final int MAX_SAMPLES_IN_FLIGHT = 16;
  private static final long SAMPLE_POLL_MS = 2;

  private final Vertx vertx;
  private final CheckoutGrpcClient client;
  private final String variant;
  private final Workload workload;
  private final long graceMs;
  private final long clientTimeoutMs;
  private final Probe probe;
  private final Consumer<String> progress;
  private final Promise<Void> finished = Promise.promise();
  private final ProcessSampler process = new ProcessSampler();

  private final Histogram placeLatency = histogram();
  private final Histogram terminalLatency = histogram();
  private final Histogram consistencyLag = histogram();
  private final Histogram secondPlace = histogram();
  private final Histogram secondTerminal = histogram();
  private final Histogram secondLag = histogram();
  final Map<String, Long> confirmedUnits = new HashMap<>();
  final Map<String, Order> terminalOrders = new HashMap<>();
  final Map<String, Integer> errorsByStatus = new LinkedHashMap<>();
  final List<Map<String, Number>> series = new ArrayList<>();
  long confirmedCents;
  private int sent;
  private int accepted;
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
  private int samplesInFlight;
  private int samples;
  private int staleSamples;
  private final int[] previous = new int[5];

  VariantRun(Vertx vertx, CheckoutGrpcClient client, String variant, Workload workload, long graceMs,
             long clientTimeoutMs, Probe probe, Consumer<String> progress) {
    this.vertx = vertx;
    this.client = client;
    this.variant = variant;
    this.workload = workload;
    this.graceMs = graceMs;
    this.clientTimeoutMs = clientTimeoutMs;
    this.probe = probe;
    this.progress = progress;
  }

  /** Completes when every order is terminal or failed, or when the grace period after the last one ends. */
  Future<Void> run() {
    vertx.runOnContext(start -> {
      startNanos = System.nanoTime();
      process.start();
      probe.started(startNanos);
      long sender = vertx.setPeriodic(1, tick -> sendDue());
      long reporter = vertx.setPeriodic(1_000, tick -> second());
      long deadline = vertx.setTimer(workload.lengthNanos() / 1_000_000 + graceMs, expired -> finished.tryComplete());
      if (workload.orders().isEmpty()) {
        finished.tryComplete();
      }
      finished.future().onComplete(over -> {
        vertx.cancelTimer(sender);
        vertx.cancelTimer(reporter);
        vertx.cancelTimer(deadline);
        second();
      });
    });
    return finished.future();
  }

  private void sendDue() {
    int due = workload.dueBy(System.nanoTime() - startNanos);
    while (sent < due) {
      place(sent++);
    }
  }

  private void place(int index) {
    PlaceOrderRequest request = workload.orders().get(index);
    long intended = startNanos + workload.dueNanos(index);
    client.placeOrder(request, "xp-" + variant + "-" + index, clientTimeoutMs).onComplete(answer -> {
      if (answer.failed()) {
        error(answer.cause());
        return;
      }
      accepted++;
      long latency = micros(intended);
      placeLatency.recordValue(latency);
      secondPlace.recordValue(latency);
      var response = answer.result();
      if (response.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
        client.watchOrder(response.getOrderId(), update -> {
          if (isTerminal(update.getStatus())) {
            terminal(request, update, intended);
          }
        }).onFailure(this::error);
      } else {
        terminal(request, Order.newBuilder().setOrderId(response.getOrderId()).setStatus(response.getStatus())
            .setReason(response.getReason()).addAllItems(request.getItemsList()).build(), intended);
      }
    });
  }

  private void error(Throwable failure) {
    errors++;
    String status = failure instanceof GrpcCallException call ? call.status().name() : GrpcStatus.UNKNOWN.name();
    errorsByStatus.merge(status, 1, Integer::sum);
    settle();
  }

  private void terminal(PlaceOrderRequest request, Order order, long intended) {
    if (terminalOrders.putIfAbsent(order.getOrderId(), order) != null) {
      return;
    }
    long latency = micros(intended);
    terminalLatency.recordValue(latency);
    secondTerminal.recordValue(latency);
    lastTerminalNanos = System.nanoTime();
    if (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED) {
      confirmed++;
      for (LineItem item : request.getItemsList()) {
        confirmedUnits.merge(item.getSku(), (long) item.getQuantity(), Long::sum);
        confirmedCents += item.getQuantity() * item.getUnitPriceCents();
      }
      sample(order.getOrderId());
    } else if (order.getReason().contains("stock")) {
      rejectedStock++;
    } else if (order.getReason().contains("declined")) {
      rejectedPayment++;
    } else {
      rejectedOther++;
    }
    settle();
  }

  /**
   * Consistency lag: from the moment the client sees the order confirmed until the services' own
   * state reflects it, polled; a sample is taken whenever fewer than the maximum are being followed.
   */
  private void sample(String orderId) {
    if (samplesInFlight >= MAX_SAMPLES_IN_FLIGHT) {
      return;
    }
    samplesInFlight++;
    samples++;
    long seen = System.nanoTime();
    follow(orderId, seen, true);
  }

  private void follow(String orderId, long seen, boolean first) {
    probe.reflected(orderId).onComplete(reflected -> {
      if (reflected.succeeded() && reflected.result()) {
        samplesInFlight--;
        long lag = Math.max(1, (System.nanoTime() - seen) / 1_000);
        if (first) {
          lag = 1;
        } else {
          staleSamples++;
        }
        consistencyLag.recordValue(Math.min(lag, HIGHEST_MICROS));
        secondLag.recordValue(Math.min(lag, HIGHEST_MICROS));
      } else if (System.nanoTime() - seen > TimeUnit.MILLISECONDS.toNanos(graceMs) || finished.future().isComplete()) {
        samplesInFlight--;
        staleSamples++;
        consistencyLag.recordValue(Math.min(micros(seen), HIGHEST_MICROS));
      } else {
        vertx.setTimer(SAMPLE_POLL_MS, again -> follow(orderId, seen, false));
      }
    });
  }

  private void settle() {
    done++;
    if (done == workload.orders().size()) {
      finished.tryComplete();
    }
  }

  /** Closes the current second: one entry of the series, and one progress line. */
  private void second() {
    long elapsed = System.nanoTime() - startNanos;
    int second = seconds + 1;
    if (elapsed < TimeUnit.SECONDS.toNanos(second) - TimeUnit.MILLISECONDS.toNanos(500) && !series.isEmpty()
        && finished.future().isComplete()) {
      return; // the final call landed right after a tick: nothing new to report
    }
    seconds = second;
    int terminal = terminalOrders.size();
    long backlog = accepted - terminal;
    long queueDepth = probe.queueDepth();
    List<String> faults = probe.activeFaults();
    maxBacklog = Math.max(maxBacklog, backlog);
    maxQueueDepth = Math.max(maxQueueDepth, queueDepth);
    ProcessSampler.Sample use = process.sample();
    Map<String, Number> entry = new LinkedHashMap<>();
    entry.put("t_s", second);
    entry.put("offered", workload.dueBy(TimeUnit.SECONDS.toNanos(second)) - workload.dueBy(TimeUnit.SECONDS.toNanos(second - 1)));
    entry.put("sent", sent - previous[0]);
    entry.put("answered", accepted - previous[1]);
    entry.put("errors", errors - previous[2]);
    entry.put("terminal", terminal - previous[3]);
    entry.put("confirmed", confirmed - previous[4]);
    entry.put("backlog", backlog);
    entry.put("queue_depth", queueDepth);
    entry.put("place_p50_ms", millis(secondPlace, 50));
    entry.put("place_p99_ms", millis(secondPlace, 99));
    entry.put("terminal_p50_ms", millis(secondTerminal, 50));
    entry.put("terminal_p99_ms", millis(secondTerminal, 99));
    entry.put("consistency_lag_p99_ms", millis(secondLag, 99));
    entry.put("cpu_pct", use.cpuPercent());
    entry.put("heap_mb", use.heapMb());
    entry.put("active_faults", faults.size());
    series.add(entry);
    previous[0] = sent;
    previous[1] = accepted;
    previous[2] = errors;
    previous[3] = terminal;
    previous[4] = confirmed;
    secondPlace.reset();
    secondTerminal.reset();
    secondLag.reset();
    progress.accept(String.format("[%s] %3ds offered %d, answered %d, terminal %d, errors %d, backlog %d, queue %d%s",
        variant, second, workload.dueBy(elapsed), accepted, terminal, errors, backlog, queueDepth,
        faults.isEmpty() ? "" : ", faults: " + String.join("; ", faults)));
  }

  static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  private long micros(long fromNanos) {
    return Math.min(HIGHEST_MICROS, Math.max(1, (System.nanoTime() - fromNanos) / 1_000));
  }

  private static Histogram histogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  private static boolean isTerminal(OrderStatus status) {
    return status == OrderStatus.ORDER_STATUS_CONFIRMED || status == OrderStatus.ORDER_STATUS_REJECTED;
  }

  int offered() {
    return workload.orders().size();
  }

  int sent() {
    return sent;
  }

  int accepted() {
    return accepted;
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
    return new VariantResult(variant, sent, accepted, confirmed, rejectedStock, rejectedPayment, rejectedOther, errors,
        accepted - terminal, placeLatency, terminalLatency, seconds(), violations);
  }
}
