package dev.switchboard.experiment.report;

import java.util.Locale;

/**
 * How tables (the reports', the console's) show a measure: counts without decimals, milliseconds with one, shares and
 * rates between 0 and 1 with three, other quantities (seconds, per second, percent, MB) with one.
 */
public final class MeasureFormat {

  /** What a table shows where a variant has no value for a measure, or it was not measured. */
  public static final String NONE = "–";

  private MeasureFormat() {
  }

  public static String format(String measure, Number value) {
    if (value == null) {
      return NONE;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return Long.toString(value.longValue());
    }
    double d = value.doubleValue();
    if (!Double.isFinite(d)) {
      return NONE;
    }
    if (isShare(measure)) {
      return String.format(Locale.ROOT, "%.3f", d);
    }
    if (measure.endsWith("_ms") || measure.endsWith("_s") || measure.endsWith("_pct") || measure.endsWith("_mb")) {
      return String.format(Locale.ROOT, "%.1f", d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.3f", d);
  }

  private static boolean isShare(String measure) {
    return measure.endsWith("_rate") || measure.endsWith("_share") || measure.endsWith("_ci_low") || measure.endsWith("_ci_high");
  }
}
