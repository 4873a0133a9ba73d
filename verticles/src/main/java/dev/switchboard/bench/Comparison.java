package dev.switchboard.bench;

/**
 * One measure of a suite, Switchboard and its raw baseline side by side, measured in the same run on
 * the same machine with the same client.
 *
 * @param suite          the suite that measured it, e.g. {@code invoke}
 * @param measure        what is compared, e.g. {@code throughput} or {@code round-trip p99}
 * @param unit           the unit of both values, e.g. {@code calls/s} or {@code ms}
 * @param switchboard    what the Switchboard side does, in a few words
 * @param switchboardValue the Switchboard side's figure
 * @param baseline       what the baseline side does, in a few words
 * @param baselineValue  the baseline's figure
 * @param goal           the goal for {@link #ratio()}, e.g. at least 0.95 or at most 2.0
 */
public record Comparison(String suite, String measure, String unit, String switchboard, double switchboardValue,
                         String baseline, double baselineValue, Goal goal) {

  /** Switchboard's figure over the baseline's; NaN when the baseline measured nothing. */
  public double ratio() {
    return baselineValue == 0 ? Double.NaN : switchboardValue / baselineValue;
  }

  /** Whether the ratio meets the goal; a comparison with no goal is reported only. */
  public boolean met() {
    return goal == null || goal.met(ratio());
  }

  /**
   * A goal for a ratio: at least {@code bound} (higher is better: throughput) or at most {@code bound}
   * (lower is better: latency).
   */
  public record Goal(boolean atLeast, double bound) {

    public static Goal atLeast(double bound) {
      return new Goal(true, bound);
    }

    public static Goal atMost(double bound) {
      return new Goal(false, bound);
    }

    boolean met(double ratio) {
      return !Double.isNaN(ratio) && (atLeast ? ratio >= bound : ratio <= bound);
    }

    @Override
    public String toString() {
      return (atLeast ? "≥ " : "≤ ") + bound + "×";
    }
  }
}
