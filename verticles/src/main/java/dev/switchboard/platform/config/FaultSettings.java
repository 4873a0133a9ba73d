package dev.switchboard.platform.config;

/**
 * Faults injected into an operation: added latency, a share of failing calls, the operation being
 * down altogether, a capacity (handler starts per second) beyond which calls wait or are shed, a
 * share of messages delivered twice, and deduplication switched off. They replay the failure
 * stories of sync and async designs on demand.
 *
 * @param latencyMs         added before the handler runs
 * @param errorRate         share of calls failing with INTERNAL (0..1)
 * @param down              every call fails with UNAVAILABLE
 * @param capacityPerSecond the handler starts at most this often per second, evenly spread (0: unlimited)
 * @param duplicateRate     share of commands, events and requests delivered to the operation a second time (0..1)
 * @param dedup             whether the operation's consumer deduplicates by message id (false: a duplicate runs again)
 */
public record FaultSettings(long latencyMs, double errorRate, boolean down, int capacityPerSecond,
                            double duplicateRate, boolean dedup) {

  public static final FaultSettings NONE = new FaultSettings(0, 0.0, false, 0, 0.0, true);
  public static final int MAX_CAPACITY_PER_SECOND = 1_000_000;

  public FaultSettings {
    if (latencyMs < 0 || errorRate < 0 || errorRate > 1 || capacityPerSecond < 0
        || capacityPerSecond > MAX_CAPACITY_PER_SECOND || duplicateRate < 0 || duplicateRate > 1) {
      throw new IllegalArgumentException("faults out of range: latencyMs=" + latencyMs + " errorRate=" + errorRate
          + " capacityPerSecond=" + capacityPerSecond + " duplicateRate=" + duplicateRate);
    }
  }

  /** Latency, errors and outage only; no capacity limit, no duplicates, deduplication on. */
  public FaultSettings(long latencyMs, double errorRate, boolean down) {
    this(latencyMs, errorRate, down, 0, 0.0, true);
  }

  /** The fault knobs under {@code base} (e.g. {@code operations.payment.charge.faults.}); a bad value names its key. */
  public static FaultSettings read(Settings settings, String base) {
    return new FaultSettings(
        settings.getLong(base + "latencyMs", 0, 0, 600_000),
        settings.getDouble(base + "errorRate", 0.0, 0.0, 1.0),
        settings.getBoolean(base + "down", false),
        settings.getInt(base + "capacityPerSecond", 0, 0, MAX_CAPACITY_PER_SECOND),
        settings.getDouble(base + "duplicateRate", 0.0, 0.0, 1.0),
        settings.getBoolean(base + "dedup", true));
  }

  public boolean isNone() {
    return equals(NONE);
  }

  public FaultSettings withLatencyMs(long value) {
    return new FaultSettings(value, errorRate, down, capacityPerSecond, duplicateRate, dedup);
  }

  public FaultSettings withErrorRate(double value) {
    return new FaultSettings(latencyMs, value, down, capacityPerSecond, duplicateRate, dedup);
  }

  public FaultSettings withDown(boolean value) {
    return new FaultSettings(latencyMs, errorRate, value, capacityPerSecond, duplicateRate, dedup);
  }

  public FaultSettings withCapacityPerSecond(int value) {
    return new FaultSettings(latencyMs, errorRate, down, value, duplicateRate, dedup);
  }

  public FaultSettings withDuplicateRate(double value) {
    return new FaultSettings(latencyMs, errorRate, down, capacityPerSecond, value, dedup);
  }

  public FaultSettings withDedup(boolean value) {
    return new FaultSettings(latencyMs, errorRate, down, capacityPerSecond, duplicateRate, value);
  }
}
