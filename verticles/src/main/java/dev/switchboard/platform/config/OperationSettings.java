package dev.switchboard.platform.config;

/**
 * The configuration of one operation: its mode, its transport, the deadline of an rpc call, and
 * the faults injected into its handler at start-up.
 */
public record OperationSettings(String operation, Mode mode, Transport transport, long timeoutMs, FaultSettings faults) {

  public static final String PREFIX = "operations";
  public static final long DEFAULT_TIMEOUT_MS = 5_000;

  static OperationSettings read(Settings settings, String operation, Mode defaultMode, Transport defaultTransport,
                                long defaultTimeoutMs) {
    String base = PREFIX + "." + operation + ".";
    return new OperationSettings(
        operation,
        settings.getEnum(base + "mode", Mode.class, defaultMode),
        settings.getEnum(base + "transport", Transport.class, defaultTransport),
        settings.getLong(base + "timeoutMs", defaultTimeoutMs, 1, 3_600_000),
        FaultSettings.read(settings, base + "faults."));
  }

  public String describe() {
    return operation + " " + mode.spelling() + "/" + transport.spelling()
        + (mode == Mode.RPC ? " timeout=" + timeoutMs + "ms" : "")
        + (faults.isNone() ? "" : " faults=" + faults);
  }
}
