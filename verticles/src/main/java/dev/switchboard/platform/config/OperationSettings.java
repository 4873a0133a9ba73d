package dev.switchboard.platform.config;

/**
 * The configuration of one operation: its mode, its transport, the deadline of an rpc call, and
 * the faults injected into its handler at start-up.
 */
public record OperationSettings(String operation, Mode mode, Transport transport, long timeoutMs, int retries,
                                long retryBackoffMs, String topic, String resultTopic, FaultSettings faults) {

  public static final String PREFIX = "operations";
  public static final long DEFAULT_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_RETRIES = 3;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 100;

  static OperationSettings read(Settings settings, String operation, Mode defaultMode, Transport defaultTransport,
                                long defaultTimeoutMs, int defaultRetries, long defaultRetryBackoffMs,
                                String topicPrefix) {
    String base = PREFIX + "." + operation + ".";
    Mode mode = settings.getEnum(base + "mode", Mode.class, defaultMode);
    Transport transport = settings.getEnum(base + "transport", Transport.class, null);
    if (transport == null) {
      // a default of kafka means "events go through Kafka": rpc operations stay on the event bus
      transport = defaultTransport == Transport.KAFKA && mode == Mode.RPC ? Transport.LOCAL : defaultTransport;
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
        FaultSettings.read(settings, base + "faults."));
  }

  public String describe() {
    return operation + " " + mode.spelling() + "/" + transport.spelling()
        + (mode == Mode.RPC ? " timeout=" + timeoutMs + "ms" : " retries=" + retries)
        + (transport == Transport.KAFKA ? " topic=" + topic : "")
        + (faults.isNone() ? "" : " faults=" + faults);
  }
}
