package dev.switchboard.platform;

import dev.switchboard.platform.config.FaultSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Faults injected into operations: set from configuration at start-up and changed at run time (an
 * experiment's fault schedule, a test). Latency, errors, an outage and a capacity limit act in front
 * of the handler ({@link #before}); duplicate delivery and deduplication switched off act where
 * messages reach the operation's consumer ({@link #duplicate}, {@link #deduplicates}).
 */
public final class Faults {

  private static final Logger LOGGER = LoggerFactory.getLogger(Faults.class);

  private final Vertx vertx;
  private final Map<String, FaultSettings> active = new ConcurrentHashMap<>();
  private final Map<String, Capacity> capacities = new ConcurrentHashMap<>();
  /** Per operation, completed (and replaced) when its faults change: injected latency waits no longer than that. */
  private final Map<String, io.vertx.core.Promise<Void>> changes = new ConcurrentHashMap<>();

  public Faults(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Sets the operation's faults, replacing what was set before ({@link FaultSettings#NONE} clears them). */
  public void set(String operation, FaultSettings faults) {
    FaultSettings before = faults.isNone() ? active.remove(operation) : active.put(operation, faults);
    FaultSettings previous = before == null ? FaultSettings.NONE : before;
    if (previous.capacityPerSecond() != faults.capacityPerSecond()) {
      if (faults.capacityPerSecond() == 0) {
        capacities.remove(operation);
      } else {
        capacities.put(operation, new Capacity(faults.capacityPerSecond()));
      }
    }
    if (previous.dedup() && !faults.dedup()) {
      LOGGER.warn("deduplication is OFF for {} (injected fault): a message delivered again runs its handler again",
          operation);
    } else if (!previous.dedup() && faults.dedup()) {
      LOGGER.info("deduplication is on again for {}", operation);
    }
    if (!faults.equals(previous)) {
      LOGGER.info("faults of {}: {}", operation, faults.isNone() ? "none" : faults);
      io.vertx.core.Promise<Void> waiting = changes.remove(operation);
      if (waiting != null) {
        waiting.tryComplete();
      }
    }
  }

  public FaultSettings get(String operation) {
    return active.getOrDefault(operation, FaultSettings.NONE);
  }

  /** Whether the operation's consumer deduplicates by message id right now (true unless a fault says otherwise). */
  public boolean deduplicates(String operation) {
    FaultSettings faults = active.get(operation);
    return faults == null || faults.dedup();
  }

  /** Whether this message, delivered to the operation, is to be delivered a second time (at its duplicateRate). */
  boolean duplicate(String operation) {
    FaultSettings faults = active.get(operation);
    return faults != null && faults.duplicateRate() > 0
        && ThreadLocalRandom.current().nextDouble() < faults.duplicateRate();
  }

  /**
   * Completes when the handler may run: after its slot under the capacity limit, then the injected
   * latency; fails when a fault says so. A call that cannot start within {@code waitLimitMs} (what is
   * left of its caller's deadline; {@link Long#MAX_VALUE} for none) is refused at once with
   * RESOURCE_EXHAUSTED and takes no slot.
   */
  Future<Void> before(String operation, long waitLimitMs) {
    FaultSettings faults = active.get(operation);
    if (faults == null) {
      return Future.succeededFuture();
    }
    if (faults.down()) {
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, operation + " is down (injected fault)"));
    }
    Capacity capacity = capacities.get(operation);
    if (capacity == null) {
      return afterSlot(operation, faults);
    }
    long waitNanos = capacity.take(waitLimitMs);
    if (waitNanos < 0) {
      return Future.failedFuture(new OperationException(ErrorCode.RESOURCE_EXHAUSTED, operation
          + ": over its capacity of " + capacity.perSecond + " calls/s (injected fault)"));
    }
    long waitMs = TimeUnit.NANOSECONDS.toMillis(waitNanos);
    return waitMs == 0 ? afterSlot(operation, faults)
        : vertx.timer(waitMs).compose(waited -> afterSlot(operation, faults));
  }

  /**
   * The injected error, then the injected latency. The latency is how slow the operation is right
   * now: a call waiting it out when the faults change (a slow or hung callee recovers) goes on under
   * the new ones — the rest of a new latency, an outage, or at once.
   */
  private Future<Void> afterSlot(String operation, FaultSettings faults) {
    if (faults.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < faults.errorRate()) {
      return Future.failedFuture(new OperationException(ErrorCode.INTERNAL, operation + " failed (injected fault)"));
    }
    if (faults.latencyMs() <= 0) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    Future<Void> changed = changes.computeIfAbsent(operation, name -> io.vertx.core.Promise.promise()).future();
    // completes on the caller's context, whichever comes first: true when the faults changed
    io.vertx.core.internal.ContextInternal context = (io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext();
    io.vertx.core.Promise<Boolean> ended = context.promise();
    long timer = vertx.setTimer(faults.latencyMs(), done -> ended.tryComplete(false));
    changed.onComplete(change -> context.runOnContext(v -> ended.tryComplete(true)));
    return ended.future().compose(faultsChanged -> {
      if (!faultsChanged) {
        return Future.succeededFuture();
      }
      vertx.cancelTimer(timer);
      FaultSettings now = get(operation);
      if (now.down()) {
        return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, operation
            + " is down (injected fault)"));
      }
      long left = now.latencyMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      return left <= 0 ? Future.succeededFuture() : afterSlot(operation, now.withErrorRate(0).withLatencyMs(left));
    });
  }

  /**
   * Handler starts spread evenly, {@code perSecond} a second: each call takes the next free slot,
   * one interval after the one before; after a quiet spell the next call starts at once (no burst
   * beyond one slot). The slots are handed out in arrival order, so calls start first come first served.
   */
  private static final class Capacity {
    private final int perSecond;
    private final long intervalNanos;
    private long nextFreeNanos = System.nanoTime();

    Capacity(int perSecond) {
      this.perSecond = perSecond;
      this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** How long the call waits for its slot, in nanoseconds; -1 (and no slot taken) if longer than {@code limitMs}. */
    synchronized long take(long limitMs) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextFreeNanos);
      long wait = slot - now;
      if (limitMs != Long.MAX_VALUE && wait > TimeUnit.MILLISECONDS.toNanos(Math.max(limitMs, 0))) {
        return -1;
      }
      nextFreeNanos = slot + intervalNanos;
      return wait;
    }
  }
}
