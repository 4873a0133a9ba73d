package dev.switchboard.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform's meters, with few and meaningful tags: {@code operation}, {@code mode},
 * {@code transport}, {@code outcome} for operations; {@code saga} and {@code outcome} for sagas.
 */
public final class SwitchboardMetrics {

  public static final String CALLS = "switchboard.operation.calls";
  public static final String HANDLED = "switchboard.operation.handled";
  public static final String RETRIES = "switchboard.operation.retries";
  public static final String DEAD_LETTERS = "switchboard.operation.deadletters";
  public static final String INFRASTRUCTURE_RETRIES = "switchboard.operation.infrastructure.retries";
  public static final String INJECTED_DUPLICATES = "switchboard.operation.duplicates.injected";
  public static final String SAGA_REDRIVES = "switchboard.saga.redrives";
  public static final String DELIVERY_DELAY = "switchboard.operation.delivery.delay";
  public static final String SAGAS_FINISHED = "switchboard.saga.finished";
  public static final String SAGAS_IN_FLIGHT = "switchboard.saga.inflight";
  public static final String OPERATION_IN_FLIGHT = "switchboard.operation.inflight";
  public static final String SAGA_DURATION = "switchboard.saga.duration";
  public static final String CALL_RETRIES = "switchboard.operation.call.retries";
  public static final String CALL_REJECTIONS = "switchboard.operation.call.rejections";
  public static final String DEGRADED_CALLS = "switchboard.operation.call.degraded";
  public static final String BREAKER_STATE = "switchboard.operation.breaker.state";
  public static final String MANAGEMENT_CHANGES = "switchboard.management.changes";

  /** How many one-second intervals {@link #recent()} keeps. */
  public static final int RECENT_SECONDS = 10;

  private final MeterRegistry registry;
  private final RecentMeasures recent = new RecentMeasures(RECENT_SECONDS, System::nanoTime);
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> handling = new ConcurrentHashMap<>();
  /**
   * The meters recorded on every call, by name and tags: building and registering a meter (its id,
   * its sorted tags, the registry's lookup) costs more than recording into it, so each is looked up
   * in the registry once.
   */
  private final Map<MeterKey, Timer> timers = new ConcurrentHashMap<>();
  private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();

  /** A meter's name and tag values, in the order its caller gives them; looked up on every call. */
  private static final class MeterKey {
    private final String name;
    private final String[] tags;
    private final int hash;

    MeterKey(String name, String... tags) {
      this.name = name;
      this.tags = tags;
      this.hash = 31 * name.hashCode() + java.util.Arrays.hashCode(tags);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MeterKey key && hash == key.hash && name.equals(key.name)
          && java.util.Arrays.equals(tags, key.tags);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  public SwitchboardMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The sum of the counters named {@code name} in {@code registry}, whatever their tags. */
  public static long counted(MeterRegistry registry, String name) {
    return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /**
   * Each operation's calls and handling over the last {@link #RECENT_SECONDS} seconds, by mode; rotated
   * once a second by whoever owns the timers ({@code Switchboard}).
   */
  public RecentMeasures recent() {
    return recent;
  }

  /**
   * A call as the caller saw it: outcome {@code completed}, {@code accepted}, or the error code (a
   * failure in the {@link #recent() recent} measures).
   */
  public void recordCall(String operation, String mode, String transport, String outcome, long nanos) {
    timer(CALLS, "Invocations of an operation as the caller saw them", operation, mode, transport, outcome)
        .record(nanos, TimeUnit.NANOSECONDS);
    recent.record(RecentMeasures.Kind.CALLS, operation, mode,
        !("completed".equals(outcome) || "accepted".equals(outcome)), nanos);
  }

  /**
   * A request or command as its handler ran it: outcome {@code ok}, {@code duplicate}, or the error
   * code (a failure in the {@link #recent() recent} measures, which leave duplicates out: the handler
   * did not run for them).
   */
  public void recordHandled(String operation, String mode, String transport, String outcome, long nanos) {
    timer(HANDLED, "Requests and commands run by an operation's handler", operation, mode, transport, outcome)
        .record(nanos, TimeUnit.NANOSECONDS);
    if (!"duplicate".equals(outcome)) {
      recent.record(RecentMeasures.Kind.HANDLED, operation, mode, !"ok".equals(outcome), nanos);
    }
  }

  private Timer timer(String name, String description, String operation, String mode, String transport, String outcome) {
    return cached(timers, new MeterKey(name, operation, mode, transport, outcome), () -> Timer.builder(name)
        .description(description)
        .tags("operation", operation, "mode", mode, "transport", transport, "outcome", outcome)
        .publishPercentileHistogram(false)
        .register(registry));
  }

  /** An rpc call of an idempotent operation made again after an uncertain failure. */
  public void recordCallRetry(String operation, String transport) {
    increment(CALL_RETRIES, "rpc calls of idempotent operations made again after an uncertain failure",
        "operation", operation, "transport", transport);
  }

  /**
   * An rpc call the caller's policy refused to make: {@code reason} is {@code breaker_open},
   * {@code limit_reached} (every slot taken and the queue full) or {@code queue_timeout} (no slot
   * freed in time).
   */
  public void recordRejection(String operation, String reason) {
    increment(CALL_REJECTIONS, "rpc calls refused by the caller's policy, by reason",
        "operation", operation, "reason", reason);
  }

  /**
   * The state of an rpc circuit breaker, read when scraped: 0 closed, 1 half-open, 2 open. {@code target}
   * is {@code local} for the event bus, the callee's {@code host:port} for grpc. {@code state} is held
   * weakly: whoever owns the breaker keeps it.
   */
  public <T> void breakerState(String operation, String target, T breaker, java.util.function.ToDoubleFunction<T> state) {
    Gauge.builder(BREAKER_STATE, breaker, state).description("Circuit breaker state: 0 closed, 1 half-open, 2 open")
        .tags("operation", operation, "target", target).register(registry);
  }

  /**
   * An rpc call that could not be made and was sent as a command instead ({@code fallback: event}):
   * {@code reason} is the failure's code in lower case ({@code unavailable}, {@code resource_exhausted},
   * {@code deadline_exceeded}), {@code transport} the event path it took.
   */
  public void recordDegradedCall(String operation, String transport, String reason) {
    increment(DEGRADED_CALLS, "rpc calls that could not be made and went as commands instead, by reason",
        "operation", operation, "transport", transport, "reason", reason);
  }

  /** A change made through the management port: {@code action} is {@code faults} or {@code breaker}. */
  public void recordManagementChange(String action) {
    increment(MANAGEMENT_CHANGES, "State changes made through the management port, by action", "action", action);
  }

  /** Shows the saga's in-flight gauge (at 0) before its first instance starts. */
  public void sagaRegistered(String saga) {
    inFlight(saga);
  }

  /** An event-mode handler attempt that failed with an uncertain outcome and will be tried again. */
  public void recordRetry(String operation, String transport) {
    increment(RETRIES, "Handler attempts retried after an uncertain failure",
        "operation", operation, "transport", transport);
  }

  /**
   * A message whose processing failed for a reason not its own (the store refused a claim or a
   * record, the transport a result) and will be processed again.
   */
  public void recordInfrastructureRetry(String operation, String transport) {
    increment(INFRASTRUCTURE_RETRIES, "Messages processed again after an infrastructure failure",
        "operation", operation, "transport", transport);
  }

  /**
   * A saga that had not moved for a while, driven again by the sweeper: {@code action} is
   * {@code resent} (its awaited step sent again), {@code timed_out} (the step given up on as an
   * uncertain failure) or {@code end_hook} (its end hook run again).
   */
  public void recordSagaRedrive(String saga, String action) {
    increment(SAGA_REDRIVES, "Stalled sagas driven again by the sweeper", "saga", saga, "action", action);
  }

  /**
   * A command, event or request delivered to an operation a second time by an injected fault
   * ({@code faults.duplicateRate}), as an at-least-once transport or a retrying client would.
   */
  public void recordInjectedDuplicate(String operation, String transport) {
    increment(INJECTED_DUPLICATES, "Messages delivered a second time by an injected fault",
        "operation", operation, "transport", transport);
  }

  /** A message given up on (poison, or out of retries) and moved to the dead letters. */
  public void recordDeadLetter(String operation, String transport) {
    increment(DEAD_LETTERS, "Messages moved to the dead letters", "operation", operation, "transport", transport);
  }

  /** From a command or event being published to its consumer taking it. */
  public void recordDeliveryDelay(String operation, String transport, long millis) {
    cached(timers, new MeterKey(DELIVERY_DELAY, operation, transport), () -> Timer.builder(DELIVERY_DELAY)
        .description("Time from publishing a command or event to a consumer taking it")
        .tags("operation", operation, "transport", transport).register(registry))
        .record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  public void sagaStarted(String saga) {
    inFlight(saga).incrementAndGet();
  }

  /** A saga reached a terminal state: outcome {@code completed}, {@code compensated} or {@code failed}. */
  public void sagaFinished(String saga, String outcome, long millis) {
    inFlight(saga).decrementAndGet();
    increment(SAGAS_FINISHED, "Sagas that reached a terminal state", "saga", saga, "outcome", outcome);
    cached(timers, new MeterKey(SAGA_DURATION, saga, outcome), () -> Timer.builder(SAGA_DURATION)
        .description("Time from a saga's start to its terminal state")
        .tags("saga", saga, "outcome", outcome).register(registry))
        .record(millis, TimeUnit.MILLISECONDS);
  }

  private AtomicInteger inFlight(String saga) {
    return inFlight.computeIfAbsent(saga, name -> {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder(SAGAS_IN_FLIGHT, count, AtomicInteger::get).description("Sagas started and not yet terminal")
          .tag("saga", name).register(registry);
      return count;
    });
  }

  /**
   * Counts {@code work} as in flight at the operation's consumer from now until it ends: a message
   * or request handed in by its transport and not yet done (waiting its turn, being handled, retried).
   */
  public <T> io.vertx.core.Future<T> handling(String operation, io.vertx.core.Future<T> work) {
    AtomicInteger count = handling.computeIfAbsent(operation, name -> {
      AtomicInteger gauge = new AtomicInteger();
      Gauge.builder(OPERATION_IN_FLIGHT, gauge, AtomicInteger::get)
          .description("Messages and requests handed to an operation's consumer and not yet done")
          .tag("operation", name).register(registry);
      return gauge;
    });
    count.incrementAndGet();
    work.onComplete(done -> count.decrementAndGet());
    return work;
  }

  /** Messages and requests in flight at each operation's consumer (those that have had any). */
  public Map<String, Integer> inFlightByOperation() {
    Map<String, Integer> depths = new java.util.TreeMap<>();
    handling.forEach((operation, count) -> depths.put(operation, count.get()));
    return depths;
  }

  private void increment(String name, String description, String... tags) {
    cached(counters, new MeterKey(name, tags), () -> Counter.builder(name).description(description).tags(tags)
        .register(registry)).increment();
  }

  /** The meter registered under {@code key}, registered by {@code register} the first time. */
  private static <M> M cached(Map<MeterKey, M> meters, MeterKey key, java.util.function.Supplier<M> register) {
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, absent -> register.get());
  }
}
