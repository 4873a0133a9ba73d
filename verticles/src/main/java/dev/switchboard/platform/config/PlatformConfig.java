package dev.switchboard.platform.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The platform's typed configuration: the mode, transport, deadline and faults of every known
 * operation, how the saga engine retries compensations and drives stalled sagas again. Built once at start-up from
 * {@link Settings}; an unknown operation name or a bad value stops start-up. {@code keysSet} are the
 * keys the configuration gave (file, environment, command line), values aside: what tells a value set
 * on purpose from a default. {@code instance} is this process's name among the replicas
 * ({@code instance.id}): the owner of the saga leases it holds.
 */
public record PlatformConfig(Mode defaultMode,
                             Transport defaultTransport,
                             Map<String, OperationSettings> operations,
                             int compensationMaxAttempts,
                             long compensationBackoffMs,
                             long sagaStallAfterMs,
                             int sagaMaxRedrives,
                             long outboxRedeliverAfterMs,
                             KafkaSettings kafka,
                             StoreSettings store,
                             InternalSettings internal,
                             Set<String> keysSet,
                             String instance) {

  public static final Set<String> KEYS = union(Set.of(
      "topics.prefix", "topics.create", "topics.partitions", "topics.replicationFactor",
      "defaults.mode", "defaults.transport", "defaults.timeoutMs", "defaults.retries", "defaults.retryBackoffMs",
      "saga.compensation.maxAttempts", "saga.compensation.backoffMs", "saga.stallAfterMs", "saga.maxRedrives",
      "outbox.redeliverAfterMs",
      KafkaSettings.STARTUP_TIMEOUT_KEY),
      union(InternalSettings.KEYS, StoreSettings.KEYS));
  /** How long a saga may wait for its step's outcome before the sweeper sends the step again. */
  public static final long DEFAULT_STALL_AFTER_MS = 15_000;
  /** How often the sweeper sends a step again before treating it as an uncertain failure. */
  public static final int DEFAULT_MAX_REDRIVES = 3;
  /** The key of this process's name among the replicas (validated by the node; see {@code InstanceId}). */
  public static final String INSTANCE_KEY = "instance.id";
  public static final Set<String> PREFIXES = Set.of(OperationSettings.PREFIX, KafkaSettings.PREFIX);
  private static final Set<String> OPERATION_PROPERTIES = Set.of(
      "mode", "transport", "timeoutMs", "retries", "retryBackoffMs", "topic", "resultTopic", "target",
      "faults.latencyMs", "faults.errorRate", "faults.down", "faults.capacityPerSecond", "faults.duplicateRate",
      "faults.dedup", "idempotent", "breaker.failures", "breaker.windowMs", "breaker.resetMs", "maxConcurrent",
      "maxQueued", "fallback", "fallbackTransport");

  /**
   * @param settings        the flat configuration
   * @param knownOperations every operation name the deployed services declare
   */
  public static PlatformConfig from(Settings settings, Set<String> knownOperations) {
    Mode defaultMode = settings.getEnum("defaults.mode", Mode.class, Mode.RPC);
    Transport defaultTransport = settings.getEnum("defaults.transport", Transport.class, Transport.LOCAL);
    long defaultTimeout = settings.getLong("defaults.timeoutMs", OperationSettings.DEFAULT_TIMEOUT_MS, 1, 3_600_000);
    int defaultRetries = settings.getInt("defaults.retries", OperationSettings.DEFAULT_RETRIES, 0, 100);
    long defaultBackoff = settings.getLong("defaults.retryBackoffMs", OperationSettings.DEFAULT_RETRY_BACKOFF_MS, 0,
        600_000);

    for (String key : settings.keysUnder(OperationSettings.PREFIX)) {
      String operation = operationOf(key, knownOperations);
      String fullKey = OperationSettings.PREFIX + "." + key;
      if (knownOperations.contains(key)) {
        throw new ConfigException(fullKey, settings.getString(fullKey, ""),
            "an operation is set through its properties, such as " + fullKey + ".mode; allowed are "
                + new TreeSet<>(OPERATION_PROPERTIES));
      }
      if (operation == null) {
        throw new ConfigException(fullKey, settings.getString(fullKey, ""),
            "unknown operation; known operations are " + new TreeSet<>(knownOperations));
      }
      String property = key.substring(operation.length() + 1);
      if (!OPERATION_PROPERTIES.contains(property)) {
        throw new ConfigException(fullKey, settings.getString(fullKey, ""),
            "unknown property of operation " + operation + "; allowed are " + new TreeSet<>(OPERATION_PROPERTIES));
      }
    }

    boolean kafkaConfigured = !settings.getString(KafkaSettings.PREFIX + "." + KafkaSettings.BOOTSTRAP_SERVERS, "")
        .isBlank();
    Map<String, OperationSettings> operations = new LinkedHashMap<>();
    for (String operation : new TreeSet<>(knownOperations)) {
      OperationSettings read = OperationSettings.read(settings, operation, defaultMode, defaultTransport,
          defaultTimeout, defaultRetries, defaultBackoff, KafkaSettings.topicPrefix(settings), kafkaConfigured);
      if (read.transport() == Transport.KAFKA && read.mode() != Mode.EVENT) {
        throw new ConfigException(OperationSettings.PREFIX + "." + operation + ".transport", "kafka",
            "kafka carries event mode only; " + operation + " is in rpc mode (use transport local, or mode event)");
      }
      operations.put(operation, read);
    }
    boolean kafkaUsed = operations.values().stream().anyMatch(op -> op.eventTransport() == Transport.KAFKA);
    InternalSettings internal = InternalSettings.from(settings);
    List<String> overGrpc = operations.values().stream().filter(op -> op.transport() == Transport.GRPC)
        .map(OperationSettings::operation).sorted().toList();
    if (!overGrpc.isEmpty() && !internal.enabled()) {
      throw new ConfigException(InternalSettings.TOKEN, "", "required: " + String.join(", ", overGrpc)
          + " use transport grpc, whose calls carry this token to the other process's internal listener;"
          + " set the same token (at least " + InternalSettings.MIN_TOKEN_LENGTH + " characters) in every process");
    }
    return new PlatformConfig(defaultMode, defaultTransport, Map.copyOf(operations),
        settings.getInt("saga.compensation.maxAttempts", 5, 1, 1_000),
        settings.getLong("saga.compensation.backoffMs", 100, 0, 600_000),
        settings.getLong("saga.stallAfterMs", DEFAULT_STALL_AFTER_MS, 100, 86_400_000),
        settings.getInt("saga.maxRedrives", DEFAULT_MAX_REDRIVES, 0, 1_000),
        settings.getLong("outbox.redeliverAfterMs", 5_000, 50, 86_400_000),
        KafkaSettings.from(settings, kafkaUsed),
        StoreSettings.from(settings),
        internal,
        Set.copyOf(settings.asMap().keySet()),
        settings.getString(INSTANCE_KEY, "local-" + ProcessHandle.current().pid()));
  }

  /**
   * The same configuration naming this process {@code instance} among the replicas (the node works
   * out its {@code instance.id}, whose default depends on its ports).
   */
  public PlatformConfig withInstance(String instance) {
    return new PlatformConfig(defaultMode, defaultTransport, operations, compensationMaxAttempts,
        compensationBackoffMs, sagaStallAfterMs, sagaMaxRedrives, outboxRedeliverAfterMs, kafka, store, internal,
        keysSet, instance);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  /** The longest known operation name that {@code key} starts with, followed by a dot. */
  private static String operationOf(String key, Set<String> knownOperations) {
    String best = null;
    for (String operation : knownOperations) {
      if (key.startsWith(operation + ".") && (best == null || operation.length() > best.length())) {
        best = operation;
      }
    }
    return best;
  }

  /** Whether some operation travels on {@code transport}, in its mode or on its event path. */
  public boolean uses(Transport transport) {
    return operations.values().stream().anyMatch(settings -> settings.transport() == transport
        || settings.eventTransport() == transport);
  }

  /** How often stalled work is looked for: a quarter of {@code saga.stallAfterMs}, between 50 ms and 5 s. */
  public long sagaSweepEveryMs() {
    return Math.max(50, Math.min(5_000, sagaStallAfterMs / 4));
  }

  /** Whether the configuration gave {@code key} itself, rather than leaving it to its default. */
  public boolean sets(String key) {
    return keysSet.contains(key);
  }

  /**
   * The same configuration with {@code changed} in place of the settings of its operation, as it
   * would be after a flip: {@code changedKeys} count as set.
   */
  public PlatformConfig withOperation(OperationSettings changed, Set<String> changedKeys) {
    operation(changed.operation());
    Map<String, OperationSettings> changedOperations = new LinkedHashMap<>(operations);
    changedOperations.put(changed.operation(), changed);
    Set<String> keys = new java.util.HashSet<>(keysSet);
    keys.addAll(changedKeys);
    return new PlatformConfig(defaultMode, defaultTransport, Map.copyOf(changedOperations), compensationMaxAttempts,
        compensationBackoffMs, sagaStallAfterMs, sagaMaxRedrives, outboxRedeliverAfterMs, kafka, store, internal,
        Set.copyOf(keys), instance);
  }

  /**
   * The operation's settings as a flip to {@code mode} on {@code transport} would leave them (null:
   * in event mode its event path, in rpc mode the rpc transport it is configured with, the event bus
   * if that is kafka). Only the mode and transport change; the event path stays, since that is where
   * every process serving the operation consumes, whatever its mode.
   *
   * @throws IllegalArgumentException when the operation is not declared
   * @throws ConfigException when no process would listen where the flip sends the operation (grpc in
   *                         event mode, kafka in rpc mode or off the operation's event path, grpc without
   *                         a target or {@code internal.token}), naming the key, the value and what is allowed
   */
  public OperationSettings flipped(String name, Mode mode, Transport transport) {
    OperationSettings now = operation(name);
    String key = OperationSettings.PREFIX + "." + name + ".transport";
    if (mode == Mode.EVENT) {
      Transport chosen = transport == null ? now.eventTransport() : transport;
      if (chosen == Transport.GRPC) {
        throw new ConfigException(key, "grpc", "grpc carries rpc mode only; in event mode local"
            + (now.eventTransport() == Transport.KAFKA ? " or kafka" : ""));
      }
      if (chosen == Transport.KAFKA && now.eventTransport() != Transport.KAFKA) {
        throw new ConfigException(key, "kafka", "local: " + name + " is consumed on kafka only when configured"
            + " so at start-up (" + OperationSettings.PREFIX + "." + name + ".fallbackTransport: kafka, or mode event"
            + " with transport kafka), so that every process serving it listens there");
      }
      return now.flipped(Mode.EVENT, chosen);
    }
    Transport rpcTransport = now.transport() == Transport.KAFKA ? Transport.LOCAL : now.transport();
    Transport chosen = transport == null ? rpcTransport : transport;
    if (chosen == Transport.KAFKA) {
      throw new ConfigException(key, "kafka", "kafka carries event mode only; in rpc mode local"
          + (now.targets().isEmpty() ? "" : " or grpc"));
    }
    if (chosen == Transport.GRPC && now.targets().isEmpty()) {
      throw new ConfigException(OperationSettings.PREFIX + "." + name + ".target", "", "transport grpc needs the"
          + " address of the process serving " + name + ", set at start-up: host:port, or several separated by commas");
    }
    if (chosen == Transport.GRPC && !internal.enabled()) {
      throw new ConfigException(InternalSettings.TOKEN, "", "required: transport grpc carries the token to the"
          + " other process's internal listener, set at start-up");
    }
    return now.flipped(Mode.RPC, chosen);
  }

  public OperationSettings operation(String name) {
    OperationSettings found = operations.get(name);
    if (found == null) {
      throw new IllegalArgumentException("operation " + name + " is not declared");
    }
    return found;
  }
}
