package dev.switchboard.experiment;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * How the client-side tools record latencies: HdrHistograms of microseconds, 3 significant digits,
 * up to ten minutes (a longer wait is recorded as ten minutes), read back in milliseconds.
 */
final class Latencies {

  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private Latencies() {
  }

  static Histogram histogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  /** Microseconds from {@code fromNanos} ({@link System#nanoTime()}) to now, within the histogram's range. */
  static long microsSince(long fromNanos) {
    return Math.min(HIGHEST_MICROS, Math.max(1, (System.nanoTime() - fromNanos) / 1_000));
  }

  /** The value at {@code percentile} in milliseconds; NaN when nothing was recorded. */
  static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The largest value recorded in milliseconds; NaN when nothing was recorded. */
  static double maxMillis(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
  }
}
