package dev.switchboard.platform.policy;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.RpcPolicy;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The caller's limit of rpc calls in flight per operation ({@code maxConcurrent}), with a queue of
 * at most {@code maxQueued} calls waiting for a free slot, first come first served. A call beyond
 * both is refused at once with RESOURCE_EXHAUSTED, never sent; so is a queued call whose slot did not
 * free within its time to wait (what is left of its deadline). Nothing blocks: a waiting call is a
 * promise, completed on its caller's context when a slot frees.
 */
public final class ConcurrencyLimits {

  private final Vertx vertx;
  private final SwitchboardMetrics metrics;
  private final Map<String, Limit> limits = new ConcurrentHashMap<>();

  public ConcurrencyLimits(Vertx vertx, SwitchboardMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /**
   * Makes {@code call} within the operation's limit: at once while a slot is free, after waiting in
   * the queue (at most {@code waitLimitMs}) otherwise, or not at all. Without a limit, just makes it.
   */
  public <T> Future<T> run(String operation, RpcPolicy policy, long waitLimitMs, Supplier<Future<T>> call) {
    if (!policy.limited()) {
      return call.get();
    }
    return limits.computeIfAbsent(operation, name -> new Limit(name, policy.maxConcurrent(), policy.maxQueued()))
        .run(waitLimitMs, call);
  }

  /** Calls in flight for the operation under its limit (0 without one). */
  public int inFlight(String operation) {
    Limit limit = limits.get(operation);
    return limit == null ? 0 : limit.inFlight();
  }

  private final class Limit {
    private final String operation;
    private final int maxConcurrent;
    private final int maxQueued;
    private final ArrayDeque<Promise<Void>> queue = new ArrayDeque<>();
    private int inFlight;

    Limit(String operation, int maxConcurrent, int maxQueued) {
      this.operation = operation;
      this.maxConcurrent = maxConcurrent;
      this.maxQueued = maxQueued;
    }

    synchronized int inFlight() {
      return inFlight;
    }

    <T> Future<T> run(long waitLimitMs, Supplier<Future<T>> call) {
      Promise<Void> slot;
      synchronized (this) {
        if (inFlight < maxConcurrent) {
          inFlight++;
          slot = null;
        } else if (queue.size() < maxQueued && waitLimitMs > 0) {
          slot = ((ContextInternal) vertx.getOrCreateContext()).promise();
          queue.add(slot);
        } else {
          metrics.recordRejection(operation, "limit_reached");
          return Future.failedFuture(OperationException.refused(ErrorCode.RESOURCE_EXHAUSTED, operation
              + ": concurrency limit reached (" + maxConcurrent + " calls in flight, " + queue.size()
              + " waiting; maxConcurrent=" + maxConcurrent + ", maxQueued=" + maxQueued + ")"));
        }
      }
      if (slot == null) {
        return start(call);
      }
      long timer = vertx.setTimer(Math.max(1, Math.min(waitLimitMs, Integer.MAX_VALUE)), fired -> {
        boolean stillWaiting;
        synchronized (this) {
          stillWaiting = queue.remove(slot);
        }
        if (stillWaiting) {
          metrics.recordRejection(operation, "queue_timeout");
          slot.tryFail(OperationException.refused(ErrorCode.RESOURCE_EXHAUSTED, operation + ": no call slot freed within "
              + waitLimitMs + " ms (maxConcurrent=" + maxConcurrent + ")"));
        }
      });
      return slot.future().compose(granted -> {
        vertx.cancelTimer(timer);
        return start(call);
      });
    }

    private <T> Future<T> start(Supplier<Future<T>> call) {
      Future<T> running;
      try {
        running = call.get();
      } catch (RuntimeException failure) {
        running = Future.failedFuture(failure);
      }
      running.onComplete(done -> release());
      return running;
    }

    /** The slot of a finished call goes to the first waiting call, or back to the pool. */
    private void release() {
      Promise<Void> next;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          inFlight--;
          return;
        }
      }
      next.complete();
    }
  }
}
