package dev.switchboard.platform.config;

/**
 * Faults injected into an operation's handler: added latency, a share of failing calls, or the
 * operation being down altogether. They replay the failure stories of sync and async designs on
 * demand.
 */
public record FaultSettings(long latencyMs, double errorRate, boolean down) {

  public static final FaultSettings NONE = new FaultSettings(0, 0.0, false);

  static FaultSettings read(Settings settings, String base) {
    return new FaultSettings(
        settings.getLong(base + "latencyMs", 0, 0, 600_000),
        settings.getDouble(base + "errorRate", 0.0, 0.0, 1.0),
        settings.getBoolean(base + "down", false));
  }

  public boolean isNone() {
    return latencyMs == 0 && errorRate == 0.0 && !down;
  }
}
