package dev.switchboard.bench;

import java.util.List;

/** A straight line fitted to points by least squares: how fast y grows with x. */
final class Trend {

  private Trend() {
  }

  /** The slope of the least-squares line through the points; NaN for fewer than two distinct x. */
  static double slope(List<double[]> points) {
    int n = points.size();
    if (n < 2) {
      return Double.NaN;
    }
    double meanX = points.stream().mapToDouble(point -> point[0]).average().orElse(0);
    double meanY = points.stream().mapToDouble(point -> point[1]).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (double[] point : points) {
      sxy += (point[0] - meanX) * (point[1] - meanY);
      sxx += (point[0] - meanX) * (point[0] - meanX);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }
}
