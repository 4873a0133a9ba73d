package dev.switchboard.bench;

import java.util.Arrays;

/** The median of repeated measurements: one round or segment disturbed by the machine does not move it. */
public final class Median {

  private Median() {
  }

  /** The middle value, or the mean of the two middle ones; NaN for none. */
  public static double of(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
