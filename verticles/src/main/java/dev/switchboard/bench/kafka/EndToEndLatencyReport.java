package dev.switchboard.bench.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Kafka's {@code EndToEndLatency} printed: the mean of its produce → consume round trips, and
 * their percentiles, which the tool prints in whole milliseconds (each round trip truncated to a
 * whole millisecond before sorting).
 *
 * @param avgMs  "Avg latency: 1.2345 ms"
 * @param p50Ms  "Percentiles: 50th = 1, …"
 * @param p99Ms  "…, 99th = 3, …"
 * @param p999Ms "…, 99.9th = 12"
 */
record EndToEndLatencyReport(double avgMs, long p50Ms, long p99Ms, long p999Ms) {

  private static final Pattern AVERAGE = Pattern.compile("Avg latency: ([\\d.]+) ms");
  private static final Pattern PERCENTILES = Pattern.compile(
      "Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");

  /** Reads the tool's output; fails quoting it when the average or the percentiles are missing. */
  static EndToEndLatencyReport parse(String output) {
    Matcher average = AVERAGE.matcher(output);
    Matcher percentiles = PERCENTILES.matcher(output);
    if (!average.find() || !percentiles.find()) {
      throw new IllegalStateException("EndToEndLatency printed no \"Avg latency: … ms\" and \"Percentiles: 50th = …,"
          + " 99th = …, 99.9th = …\" lines; its output ends with:\n" + KafkaTool.tail(output));
    }
    return new EndToEndLatencyReport(Double.parseDouble(average.group(1)), Long.parseLong(percentiles.group(1)),
        Long.parseLong(percentiles.group(2)), Long.parseLong(percentiles.group(3)));
  }
}
