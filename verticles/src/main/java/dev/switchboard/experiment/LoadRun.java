package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One load run at one rate against running processes: the orders of an open-loop {@link Workload}
 * (latency from each order's intended start, so a slow target cannot slow the arrivals down), spread
 * round-robin over the targets and over each target's connections, each followed to its terminal
 * state by an {@link OrderFollower} on the same target. Ends when every order has ended or failed,
 * or when the grace period after the last one is over. A run asked to settle then goes on following
 * the orders it left open, for a bounded time, before it completes — what comes after it (the next
 * step of a rate search) should not start on targets still working off its backlog. All callbacks run
 * on one context of the load generator's own Vert.x instance; nothing here blocks.
 */
final class LoadRun {

  /** How often a progress line is printed. */
  static final long PROGRESS_MS = 2_000;
  /**
   * Orders sent in one tick of the sender at most: a generator that fell behind (a busy machine)
   * catches up over several ticks, with the answers handled in between, rather than in one long task.
   */
  static final int MAX_SENDS_PER_TICK = 50;

  /** A target and its connections: PlaceOrder on {@code placers} in turn, each PENDING order watched on the watcher of the same index. */
  record Connections(LoadOptions.Target target, List<CheckoutGrpcClient> placers, List<CheckoutGrpcClient> watchers) {
  }

  private final Vertx vertx;
  private final List<Connections> targets;
  private final int rate;
  private final LoadOptions options;
  private final String runId;
  private final String label;
  private final Consumer<String> progress;
  private final long settleMs;
  private final Workload workload;
  private final long warmupNanos;
  private final long windowEndNanos;
  private final OrderFollower follower;
  private final LoadTally total = new LoadTally("all");
  private final List<LoadTally> perTarget;
  private final BitSet settled = new BitSet();
  private final Promise<Void> finished = Promise.promise();
  private final Promise<Void> allSettled = Promise.promise();
  private final OpenLoopSender sender;
  private long startNanos;
  private int settledCount;
  /** Orders that ended or failed after the run's end, while it settled. */
  private int settledLate;
  /** Orders are no longer followed: the run is over and done settling. */
  private boolean abandoned;
  private long inFlightAtWindowStart = -1;
  private long inFlightAtWindowEnd = -1;
  private long maxSendLagNanos;

  /**
   * @param runId    makes this run's idempotency keys distinct from every other run's
   * @param label    prefixes each progress line
   * @param settleMs how long after its end the run goes on following the orders it left open before it
   *                 completes; 0 stops following them at the end
   */
  LoadRun(Vertx vertx, List<Connections> targets, int rate, LoadOptions options, String runId, String label,
          Consumer<String> progress, long settleMs) {
    if (settleMs < 0) {
      throw new IllegalArgumentException("settleMs = " + settleMs + ": expected 0 (no wait) or more");
    }
    this.vertx = vertx;
    this.targets = List.copyOf(targets);
    this.rate = rate;
    this.options = options;
    this.runId = runId;
    this.label = label;
    this.progress = progress;
    this.settleMs = settleMs;
    this.warmupNanos = TimeUnit.SECONDS.toNanos(options.warmup());
    this.windowEndNanos = warmupNanos + TimeUnit.SECONDS.toNanos(options.seconds());
    this.workload = Workload.steady(rate, TimeUnit.SECONDS.toMillis(options.warmup() + options.seconds()), this::order);
    this.follower = new OrderFollower(vertx, () -> abandoned);
    this.perTarget = targets.stream().map(connections -> new LoadTally(connections.target().toString())).toList();
    this.sender = new OpenLoopSender(vertx, workload, MAX_SENDS_PER_TICK, this::place);
  }

  /** The orders: one unit of each SKU in turn, distinct idempotency keys. */
  private PlaceOrderRequest order(int index) {
    String sku = options.skus().get(index % options.skus().size());
    return PlaceOrderRequest.newBuilder()
        .setCustomerId("load-customer-" + index % 50)
        .addItems(LineItem.newBuilder().setSku(sku).setQuantity(1).setUnitPriceCents(LoadOptions.UNIT_PRICE_CENTS))
        .setIdempotencyKey(key(index))
        .build();
  }

  private String key(int index) {
    return "load-" + runId + "-" + index;
  }

  /** Completes on the run's context with what became of every order. */
  Future<LoadResult> run() {
    Promise<LoadResult> result = Promise.promise();
    vertx.runOnContext(start -> {
      startNanos = System.nanoTime();
      sender.start(startNanos);
      long reporter = vertx.setPeriodic(PROGRESS_MS, tick -> progress());
      long windowStart = -1;
      if (warmupNanos == 0) {
        inFlightAtWindowStart = 0;
      } else {
        windowStart = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(warmupNanos),
            at -> inFlightAtWindowStart = inFlight());
      }
      long windowEnd = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(windowEndNanos),
          at -> inFlightAtWindowEnd = inFlight());
      long deadline = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(windowEndNanos)
          + TimeUnit.SECONDS.toMillis(options.graceSeconds()), expired -> finished.tryComplete());
      long windowStartTimer = windowStart;
      if (workload.orders().isEmpty()) {
        finished.tryComplete();
      }
      finished.future().onComplete(over -> {
        sender.stop();
        vertx.cancelTimer(reporter);
        vertx.cancelTimer(windowStartTimer);
        vertx.cancelTimer(windowEnd);
        vertx.cancelTimer(deadline);
        if (inFlightAtWindowStart < 0) {
          inFlightAtWindowStart = inFlight();
        }
        if (inFlightAtWindowEnd < 0) {
          inFlightAtWindowEnd = inFlight();
        }
        settle().onComplete(settling -> {
          abandoned = true;
          result.complete(new LoadResult(rate, options.seconds(), options.warmup(), options.graceSeconds(), total,
              perTarget, inFlightAtWindowEnd - inFlightAtWindowStart, maxSendLagNanos / 1e6, settling.result()));
        });
      });
    });
    return result.future();
  }

  private void place(int index) {
    int targetIndex = index % targets.size();
    Connections connections = targets.get(targetIndex);
    int connection = (index / targets.size()) % connections.placers().size();
    LoadTally tally = perTarget.get(targetIndex);
    long due = workload.dueNanos(index);
    long intended = startNanos + due;
    boolean measured = due >= warmupNanos;
    if (measured) {
      maxSendLagNanos = Math.max(maxSendLagNanos, System.nanoTime() - intended);
    }
    tally.sent(measured);
    total.sent(measured);
    follower.place(connections.placers().get(connection), connections.watchers().get(connection),
        workload.orders().get(index), key(index), 0, new OrderFollower.Listener() {
          @Override
          public void answered(PlaceOrderResponse response) {
            if (finished.future().isComplete()) {
              return;
            }
            boolean pending = response.getStatus() == OrderStatus.ORDER_STATUS_PENDING;
            tally.answered(pending);
            total.answered(pending);
          }

          @Override
          public void ended(Order order) {
            if (!settle(index)) {
              return;
            }
            long latency = Latencies.microsSince(intended);
            long at = System.nanoTime() - startNanos;
            boolean inWindow = at >= warmupNanos && at < windowEndNanos;
            tally.ended(order, measured, latency, inWindow);
            total.ended(order, measured, latency, inWindow);
            finishIfAllSettled();
          }

          @Override
          public void failed(Throwable failure) {
            if (!settle(index)) {
              return;
            }
            String status = GrpcCallException.statusOf(failure).name();
            tally.failed(status);
            total.failed(status);
            finishIfAllSettled();
          }
        });
  }

  /**
   * After the run's end: waits until every order sent has ended or failed, or {@code settleMs} are over,
   * with a progress line every {@value #PROGRESS_MS} ms. Null when the run was not asked to settle.
   */
  private Future<LoadResult.Settling> settle() {
    if (settleMs == 0) {
      return Future.succeededFuture();
    }
    long openAtEnd = open();
    long began = System.nanoTime();
    if (openAtEnd == 0) {
      return Future.succeededFuture(new LoadResult.Settling(0, 0, 0, settleMs));
    }
    progress.accept(String.format("%s%s still open at the end: waiting up to %d s for %s to end", label,
        orders(openAtEnd), TimeUnit.MILLISECONDS.toSeconds(settleMs), openAtEnd == 1 ? "it" : "them"));
    long reporter = vertx.setPeriodic(PROGRESS_MS, tick -> progress.accept(String.format("%swaiting: %d of the %s"
        + " still open", label, open(), orders(openAtEnd))));
    long limit = vertx.setTimer(settleMs, over -> allSettled.tryComplete());
    return allSettled.future().map(done -> {
      vertx.cancelTimer(reporter);
      vertx.cancelTimer(limit);
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      long stillOpen = open();
      progress.accept(stillOpen == 0
          ? String.format("%sthe %s open at the end ended within %d ms", label, orders(openAtEnd), waitedMs)
          : String.format("%s%d of the %s open at the end had not ended after %d s: no longer waiting for"
              + " them", label, stillOpen, orders(openAtEnd), TimeUnit.MILLISECONDS.toSeconds(waitedMs)));
      return new LoadResult.Settling(openAtEnd, stillOpen, waitedMs, settleMs);
    });
  }

  /**
   * Marks the order as settled; false when it already was or the run is over (a late answer changes
   * nothing in the run's figures, but counts towards its settling).
   */
  private boolean settle(int index) {
    if (settled.get(index)) {
      return false;
    }
    settled.set(index);
    if (finished.future().isComplete()) {
      settledLate++;
      if (open() == 0) {
        allSettled.tryComplete();
      }
      return false;
    }
    settledCount++;
    return true;
  }

  private static String orders(long count) {
    return count + (count == 1 ? " order" : " orders");
  }

  /** Orders sent that have neither ended nor failed. */
  private long open() {
    return (long) sender.sent() - settledCount - settledLate;
  }

  private void finishIfAllSettled() {
    if (settledCount == workload.orders().size()) {
      finished.tryComplete();
    }
  }

  private long inFlight() {
    return (long) sender.sent() - settledCount;
  }

  private void progress() {
    long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
    progress.accept(String.format("%s%4ds  sent %d, done %d (confirmed %d, rejected %d), failed %d, in flight %d",
        label, elapsed, sender.sent(), total.ended(), total.confirmed(), total.rejected(), total.failedCalls(), inFlight()));
  }
}
