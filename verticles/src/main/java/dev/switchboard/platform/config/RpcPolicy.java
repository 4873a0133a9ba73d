package dev.switchboard.platform.config;

/**
 * How a caller protects itself and its callee when it invokes an operation in rpc mode: whether the
 * operation may be called again after an uncertain failure ({@code idempotent}: only then do the
 * operation's {@code retries} apply to rpc calls), a circuit breaker that fails calls fast once the
 * callee failed {@code breakerFailures} times within {@code breakerWindowMs}, for
 * {@code breakerResetMs}, and a limit of calls in flight with a queue behind it. Everything is off by
 * default: not idempotent, no breaker ({@code breakerFailures} 0), no limit ({@code maxConcurrent} 0).
 *
 * @param idempotent      calling the operation twice with the same message id has the effect of calling it once
 * @param breakerFailures uncertain failures within the window that open the breaker (0: no breaker)
 * @param breakerWindowMs the window the failures are counted in (whole seconds count)
 * @param breakerResetMs  how long an open breaker fails calls fast before it lets one trial call through
 * @param maxConcurrent   calls in flight at most (0: unlimited)
 * @param maxQueued       calls waiting for a free slot at most, beyond which a call is refused (0: none wait)
 */
public record RpcPolicy(boolean idempotent, int breakerFailures, long breakerWindowMs, long breakerResetMs,
                        int maxConcurrent, int maxQueued) {

  public static final long DEFAULT_BREAKER_WINDOW_MS = 10_000;
  public static final long DEFAULT_BREAKER_RESET_MS = 5_000;
  public static final RpcPolicy NONE = new RpcPolicy(false, 0, DEFAULT_BREAKER_WINDOW_MS, DEFAULT_BREAKER_RESET_MS,
      0, 0);
  private static final int MAX_COUNT = 1_000_000;

  /** The policy keys under {@code base} (e.g. {@code operations.payment.charge.}); a bad value names its key. */
  static RpcPolicy read(Settings settings, String base) {
    int maxConcurrent = settings.getInt(base + "maxConcurrent", 0, 0, MAX_COUNT);
    int maxQueued = settings.getInt(base + "maxQueued", 0, 0, MAX_COUNT);
    if (maxQueued > 0 && maxConcurrent == 0) {
      throw new ConfigException(base + "maxQueued", settings.getString(base + "maxQueued", ""),
          "calls queue only behind a limit: set " + base + "maxConcurrent (1 to " + MAX_COUNT + ") too, or leave "
              + base + "maxQueued at 0");
    }
    return new RpcPolicy(
        settings.getBoolean(base + "idempotent", false),
        settings.getInt(base + "breaker.failures", 0, 0, MAX_COUNT),
        settings.getLong(base + "breaker.windowMs", DEFAULT_BREAKER_WINDOW_MS, 1_000, 86_400_000),
        settings.getLong(base + "breaker.resetMs", DEFAULT_BREAKER_RESET_MS, 1, 86_400_000),
        maxConcurrent,
        maxQueued);
  }

  /** Whether calls go through a circuit breaker. */
  public boolean breaker() {
    return breakerFailures > 0;
  }

  /** Whether calls in flight are limited. */
  public boolean limited() {
    return maxConcurrent > 0;
  }

  /** The policy in a few words for a log line; empty when nothing is set. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    if (idempotent) {
      out.append(" idempotent");
    }
    if (breaker()) {
      out.append(" breaker=").append(breakerFailures).append('/').append(breakerWindowMs).append("ms reset=")
          .append(breakerResetMs).append("ms");
    }
    if (limited()) {
      out.append(" maxConcurrent=").append(maxConcurrent).append(" maxQueued=").append(maxQueued);
    }
    return out.toString();
  }
}
