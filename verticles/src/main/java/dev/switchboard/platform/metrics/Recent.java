package dev.switchboard.platform.metrics;

/**
 * Measures over the recent window of one operation's calls or handling in one mode: how many outcomes,
 * how many per second, how many failed per second, and the median and 99th percentile latency in
 * milliseconds (0 when {@code count} is 0).
 */
public record Recent(long count, double perSecond, double failedPerSecond, double p50Ms, double p99Ms) {

  public static final Recent NONE = new Recent(0, 0, 0, 0, 0);
}
