package dev.switchboard.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The configuration of one operation: its mode, its transport, the deadline of an rpc call, where
 * it is served when the transport is grpc ({@code targets}, {@code host:port} each, used in turn),
 * the faults injected into its handler at start-up, how its rpc calls are protected
 * ({@code policy}: idempotent or not, circuit breaker, concurrency limit), and its event path.
 * <p>
 * The <em>event path</em> ({@link #eventTransport}) is where the operation's commands travel as
 * events: its transport in event mode; in rpc mode {@code fallbackTransport} (default kafka for an
 * operation with {@code fallback: event} when {@code kafka.bootstrap.servers} is set, so that a
 * degraded call is durable; local otherwise). Every process serving the operation
 * consumes that path (and the event bus) whatever its mode, so that a caller that degrades a call to
 * an event ({@code fallback: event}) or was flipped to event mode is always heard.
 *
 * @param fallbackToEvent   {@code fallback: event}: an rpc call that cannot be made is sent as a command instead
 * @param fallbackTransport the event path of the operation while it is in rpc mode
 */
public record OperationSettings(String operation, Mode mode, Transport transport, long timeoutMs, int retries,
                                long retryBackoffMs, String topic, String resultTopic, List<String> targets,
                                FaultSettings faults, RpcPolicy policy, boolean fallbackToEvent,
                                Transport fallbackTransport) {

  public static final String PREFIX = "operations";
  public static final long DEFAULT_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_RETRIES = 3;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 100;
  private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9.-]+:(\\d{1,5})");

  static OperationSettings read(Settings settings, String operation, Mode defaultMode, Transport defaultTransport,
                                long defaultTimeoutMs, int defaultRetries, long defaultRetryBackoffMs,
                                String topicPrefix, boolean kafkaConfigured) {
    String base = PREFIX + "." + operation + ".";
    Mode mode = settings.getEnum(base + "mode", Mode.class, defaultMode);
    Transport transport = settings.getEnum(base + "transport", Transport.class, null);
    if (transport == null) {
      // a default of kafka means "events go through Kafka": rpc operations stay on the event bus;
      // a default of grpc means "rpc goes over gRPC": event operations stay on the event bus
      boolean misfit = defaultTransport == Transport.KAFKA && mode == Mode.RPC
          || defaultTransport == Transport.GRPC && mode == Mode.EVENT;
      transport = misfit ? Transport.LOCAL : defaultTransport;
    }
    List<String> targets = targets(settings, base + "target");
    if (transport == Transport.GRPC) {
      if (mode != Mode.RPC) {
        throw new ConfigException(base + "transport", "grpc", "grpc carries rpc mode only; " + operation
            + " is in event mode (use transport local or kafka, or mode rpc)");
      }
      if (targets.isEmpty()) {
        throw new ConfigException(base + "target", settings.getString(base + "target", ""),
            "transport grpc needs the address of the process serving " + operation
                + ": host:port, or several separated by commas");
      }
    }
    RpcPolicy policy = RpcPolicy.read(settings, base);
    String fallback = settings.getString(base + "fallback", "none").trim();
    if (!fallback.equals("none") && !fallback.equals("event")) {
      throw new ConfigException(base + "fallback", fallback, "none (an rpc call that cannot be made fails) or event"
          + " (it is sent as a command instead, and the caller gets Accepted)");
    }
    boolean fallbackToEvent = fallback.equals("event");
    if (fallbackToEvent && !policy.idempotent()) {
      throw new ConfigException(base + "fallback", fallback, "event only for an idempotent operation: a call that"
          + " degrades to an event may have reached the callee already; set " + base + "idempotent: true if a"
          + " second execution with the same message id changes nothing, or leave " + base + "fallback at none");
    }
    Transport fallbackTransport = settings.getEnum(base + "fallbackTransport", Transport.class,
        mode == Mode.EVENT ? transport : kafkaConfigured && fallbackToEvent ? Transport.KAFKA : Transport.LOCAL);
    if (fallbackTransport == Transport.GRPC) {
      throw new ConfigException(base + "fallbackTransport", "grpc", "local or kafka: the transports that carry events");
    }
    if (fallbackTransport == Transport.KAFKA && !kafkaConfigured) {
      throw new ConfigException(base + "fallbackTransport", "kafka", "kafka needs kafka.bootstrap.servers; or use local");
    }
    return new OperationSettings(
        operation,
        mode,
        transport,
        settings.getLong(base + "timeoutMs", defaultTimeoutMs, 1, 3_600_000),
        settings.getInt(base + "retries", defaultRetries, 0, 100),
        settings.getLong(base + "retryBackoffMs", defaultRetryBackoffMs, 0, 600_000),
        settings.getString(base + "topic", topicPrefix + "." + operation + ".v1"),
        settings.getString(base + "resultTopic", topicPrefix + "." + operation + ".result.v1"),
        targets,
        FaultSettings.read(settings, base + "faults."),
        policy,
        fallbackToEvent,
        mode == Mode.EVENT ? transport : fallbackTransport);
  }

  /** Where the operation's commands travel as events: its transport in event mode, else {@code fallbackTransport}. */
  public Transport eventTransport() {
    return mode == Mode.EVENT ? transport : fallbackTransport;
  }

  /**
   * The operation flipped to {@code newMode} on {@code newTransport}; everything else (deadline,
   * policy, targets, its event path) stays. Turning to event mode moves the event path there.
   */
  public OperationSettings flipped(Mode newMode, Transport newTransport) {
    return new OperationSettings(operation, newMode, newTransport, timeoutMs, retries, retryBackoffMs, topic,
        resultTopic, targets, faults, policy, fallbackToEvent, newMode == Mode.EVENT ? newTransport : fallbackTransport);
  }

  /**
   * How a message is handled when it arrives on a path other than the operation's current one (a
   * command that a caller degraded or sent before a flip, a request from a caller not flipped yet):
   * the same settings, seen as {@code arrivedMode} on {@code arrivedTransport}.
   */
  public OperationSettings arrivedAs(Mode arrivedMode, Transport arrivedTransport) {
    if (arrivedMode == mode && arrivedTransport == transport) {
      return this;
    }
    return new OperationSettings(operation, arrivedMode, arrivedTransport, timeoutMs, retries, retryBackoffMs, topic,
        resultTopic, targets, faults, policy, fallbackToEvent, fallbackTransport);
  }

  private static List<String> targets(Settings settings, String key) {
    String value = settings.getString(key, "").trim();
    List<String> targets = new ArrayList<>();
    if (value.isEmpty()) {
      return targets;
    }
    for (String target : value.split(",")) {
      String trimmed = target.trim();
      var matcher = TARGET.matcher(trimmed);
      if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1 || Integer.parseInt(matcher.group(1)) > 65_535) {
        throw new ConfigException(key, value, "host:port with a port from 1 to 65535, several separated by commas");
      }
      targets.add(trimmed);
    }
    return List.copyOf(targets);
  }

  public String describe() {
    return operation + " " + mode.spelling() + "/" + transport.spelling()
        + (mode == Mode.RPC ? " timeout=" + timeoutMs + "ms" : " retries=" + retries)
        + (transport == Transport.KAFKA ? " topic=" + topic : "")
        + (transport == Transport.GRPC ? " target=" + String.join(",", targets) : "")
        + (mode == Mode.RPC ? policy.describe() : "")
        + (mode == Mode.RPC && fallbackToEvent ? " fallback=event/" + fallbackTransport.spelling() : "")
        + (faults.isNone() ? "" : " faults=" + faults);
  }
}
