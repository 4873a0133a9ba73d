package dev.switchboard.bench;

import java.util.Comparator;
import java.util.List;

/**
 * A line on one of a suite's plots: e.g. the terminal throughput (y) of the all-rpc variant at each
 * offered rate (x) of its rate search.
 *
 * @param plot   the plot it belongs to (a file name without extension, e.g. {@code checkout-throughput})
 * @param series the line's name, e.g. {@code all-rpc, H2 in memory}
 * @param xTitle the x axis, with its unit
 * @param yTitle the y axis, with its unit
 * @param points the points; kept in x order whatever order they are given in (a rate search runs its
 *               rates up and down, and a line drawn in that order doubles back on itself), points of one
 *               x in the order given (a rate run twice shows both runs)
 */
public record Curve(String plot, String series, String xTitle, String yTitle, List<Point> points) {

  public Curve {
    points = points.stream().sorted(Comparator.comparingDouble(Point::x)).toList();
  }

  /** One point of a curve. */
  public record Point(double x, double y) {
  }
}
