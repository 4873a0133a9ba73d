package dev.switchboard.platform;

import dev.switchboard.platform.config.FaultSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults injected in front of operation handlers: set from configuration at start-up and changed
 * at run time (an experiment's fault schedule, a test).
 */
public final class Faults {

  private final Vertx vertx;
  private final Map<String, FaultSettings> active = new ConcurrentHashMap<>();

  public Faults(Vertx vertx) {
    this.vertx = vertx;
  }

  public void set(String operation, FaultSettings faults) {
    if (faults.isNone()) {
      active.remove(operation);
    } else {
      active.put(operation, faults);
    }
  }

  public FaultSettings get(String operation) {
    return active.getOrDefault(operation, FaultSettings.NONE);
  }

  /** Completes when the handler may run, after the injected latency; fails when a fault says so. */
  Future<Void> before(String operation) {
    FaultSettings faults = active.get(operation);
    if (faults == null) {
      return Future.succeededFuture();
    }
    if (faults.down()) {
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, operation + " is down (injected fault)"));
    }
    if (faults.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < faults.errorRate()) {
      return Future.failedFuture(new OperationException(ErrorCode.INTERNAL, operation + " failed (injected fault)"));
    }
    if (faults.latencyMs() > 0) {
      return vertx.timer(faults.latencyMs()).mapEmpty();
    }
    return Future.succeededFuture();
  }
}
