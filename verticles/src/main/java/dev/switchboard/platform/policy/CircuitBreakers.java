package dev.switchboard.platform.policy;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.RpcPolicy;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The circuit breakers of rpc calls (vertx-circuit-breaker), for the operations whose
 * {@code breaker.failures} is set: one per operation on the event bus ({@code local}), one per
 * operation and target over grpc, so that one dead callee is skipped while the others serve. Only
 * uncertain failures count against a breaker (a timeout, an outage, an unexpected error): a business
 * refusal such as FAILED_PRECONDITION is an answer from a working callee. An open breaker fails calls
 * at once with UNAVAILABLE naming itself, without calling; after {@code breaker.resetMs} it lets one
 * trial call through (half-open), whose success closes it and whose failure opens it again.
 */
public final class CircuitBreakers {

  /** The target of an operation's breaker on the event bus. */
  public static final String LOCAL = "local";

  private static final Logger LOGGER = LoggerFactory.getLogger(CircuitBreakers.class);

  private final Vertx vertx;
  private final PlatformConfig config;
  private final SwitchboardMetrics metrics;
  private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

  /** Creates the breakers of every rpc-mode operation that has one, so that their gauges show from the start. */
  public CircuitBreakers(Vertx vertx, PlatformConfig config, SwitchboardMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    for (OperationSettings settings : config.operations().values()) {
      if (settings.mode() == Mode.RPC && settings.policy().breaker()) {
        List<String> targets = settings.transport() == Transport.GRPC ? settings.targets() : List.of(LOCAL);
        targets.forEach(target -> breaker(settings.operation(), target, settings.policy()));
      }
    }
  }

  /**
   * Makes {@code call} through the breaker of the operation and target, or fails at once with
   * UNAVAILABLE ({@link OperationException#refused}) while it is open. Without a breaker configured,
   * just makes the call.
   */
  public <T> Future<T> call(String operation, String target, Supplier<Future<T>> call) {
    RpcPolicy policy = config.operation(operation).policy();
    if (!policy.breaker()) {
      return call.get();
    }
    Breaker breaker = breaker(operation, target, policy);
    if (breaker.forcedOpen) {
      metrics.recordRejection(operation, "breaker_open");
      return Future.failedFuture(OperationException.refused(ErrorCode.UNAVAILABLE, breaker.openMessage()));
    }
    return breaker.circuit.execute(call).recover(failure -> {
      if (failure instanceof OpenCircuitException) {
        metrics.recordRejection(operation, "breaker_open");
        return Future.failedFuture(OperationException.refused(ErrorCode.UNAVAILABLE, breaker.openMessage()));
      }
      return Future.failedFuture(failure);
    });
  }

  /** The state of the breaker of the operation and target ({@code CLOSED} where there is none yet). */
  public CircuitBreakerState state(String operation, String target) {
    Breaker breaker = breakers.get(key(operation, target));
    return breaker == null ? CircuitBreakerState.CLOSED : breaker.state();
  }

  /**
   * The targets of the operation's breakers: {@code local} on the event bus, each {@code host:port}
   * over grpc; none when the operation has no breaker configured.
   */
  public static List<String> targets(OperationSettings settings) {
    if (!settings.policy().breaker()) {
      return List.of();
    }
    return settings.transport() == Transport.GRPC ? settings.targets() : List.of(LOCAL);
  }

  /**
   * Forces every breaker of the operation open or closed, for drills. Forced open, a breaker fails
   * every call fast (UNAVAILABLE naming it) and stays open, with no half-open trial, until it is forced
   * closed; forced closed, it forgets its failures and lets calls through at once, and trips again
   * as configured. The operation must have a breaker ({@code breaker.failures}).
   *
   * @return the state of each target's breaker before the change
   */
  public Map<String, CircuitBreakerState> force(String operation, boolean open) {
    OperationSettings settings = config.operation(operation);
    Map<String, CircuitBreakerState> before = new java.util.LinkedHashMap<>();
    for (String target : targets(settings)) {
      Breaker breaker = breaker(operation, target, settings.policy());
      before.put(target, breaker.state());
      if (open) {
        breaker.forceOpen();
      } else {
        breaker.forceClosed();
      }
    }
    return before;
  }

  /** Whether {@code failure} counts against a breaker: an uncertain failure, not a refusal of the caller's own. */
  static boolean countsAgainst(String operation, Throwable failure) {
    OperationException known = OperationException.from(operation, failure);
    return !known.refused() && known.code().outcomeUncertain();
  }

  private Breaker breaker(String operation, String target, RpcPolicy policy) {
    return breakers.computeIfAbsent(key(operation, target), key -> new Breaker(operation, target, policy));
  }

  private static String key(String operation, String target) {
    return operation + " " + target;
  }

  /** Closes every breaker (they hold no timer beyond a pending half-open attempt). */
  public void close() {
    breakers.values().forEach(breaker -> breaker.circuit.close());
  }

  private final class Breaker {
    private final String operation;
    private final String target;
    private final RpcPolicy policy;
    private volatile CircuitBreaker circuit;
    private volatile long openedAtMs;
    private volatile boolean forcedOpen;

    Breaker(String operation, String target, RpcPolicy policy) {
      this.operation = operation;
      this.target = target;
      this.policy = policy;
      this.circuit = newCircuit();
      metrics.breakerState(operation, target, this, Breaker::stateValue);
    }

    private CircuitBreaker newCircuit() {
      CircuitBreakerOptions options = new CircuitBreakerOptions()
          .setMaxFailures(policy.breakerFailures())
          .setFailuresRollingWindow(policy.breakerWindowMs())
          .setResetTimeout(policy.breakerResetMs())
          .setTimeout(-1) // the call's own deadline bounds it
          .setMaxRetries(0) // retries are the invoker's, for idempotent operations only
          .setNotificationAddress(null); // state goes to the metrics, not onto the event bus
      return CircuitBreaker.create("switchboard." + key(operation, target), vertx, options)
          .failurePolicy(outcome -> outcome.failed() && countsAgainst(operation, outcome.cause()))
          .openHandler(opened -> {
            openedAtMs = System.currentTimeMillis();
            LOGGER.warn("{}: circuit breaker{} open after {} failures within {} ms; calls fail fast for {} ms",
                operation, forTarget(), policy.breakerFailures(), policy.breakerWindowMs(), policy.breakerResetMs());
          })
          .halfOpenHandler(halfOpen -> LOGGER.info("{}: circuit breaker{} half-open, letting one trial call through",
              operation, forTarget()))
          .closeHandler(closed -> LOGGER.info("{}: circuit breaker{} closed", operation, forTarget()));
    }

    /** Open until forced closed: {@link #call} refuses before the circuit, which neither counts nor half-opens. */
    void forceOpen() {
      forcedOpen = true;
      LOGGER.warn("{}: circuit breaker{} forced open (management API); calls fail fast until it is forced closed",
          operation, forTarget());
    }

    /**
     * Closed at once with no failures counted. A tripped circuit refuses a plain reset while open, so
     * it is replaced by a fresh one (the gauge reads this breaker, not the circuit).
     */
    void forceClosed() {
      boolean wasForced = forcedOpen;
      forcedOpen = false;
      CircuitBreaker old = circuit;
      if (old.state() == CircuitBreakerState.CLOSED) {
        old.reset();
      } else {
        circuit = newCircuit();
        old.close();
      }
      if (wasForced || old.state() != CircuitBreakerState.CLOSED) {
        LOGGER.info("{}: circuit breaker{} forced closed (management API)", operation, forTarget());
      }
    }

    CircuitBreakerState state() {
      return forcedOpen ? CircuitBreakerState.OPEN : circuit.state();
    }

    private String forTarget() {
      return LOCAL.equals(target) ? "" : " for " + target;
    }

    double stateValue() {
      return switch (state()) {
        case CLOSED -> 0;
        case HALF_OPEN -> 1;
        case OPEN -> 2;
      };
    }

    String openMessage() {
      if (forcedOpen) {
        return operation + ": circuit breaker" + forTarget() + " forced open (management API: PUT /operations/"
            + operation + "/breaker {\"state\":\"closed\"} closes it)";
      }
      if (circuit.state() == CircuitBreakerState.HALF_OPEN) {
        return operation + ": circuit breaker" + forTarget() + " half-open, a trial call is in flight; retry after it";
      }
      long retryAfter = Math.max(0, openedAtMs + policy.breakerResetMs() - System.currentTimeMillis());
      return operation + ": circuit breaker" + forTarget() + " open (" + policy.breakerFailures() + " failures in "
          + policy.breakerWindowMs() + " ms); retry after " + retryAfter + " ms";
    }
  }
}
