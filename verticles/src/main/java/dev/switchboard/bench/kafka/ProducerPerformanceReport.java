package dev.switchboard.bench.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Kafka's {@code ProducerPerformance} printed: its final summary line (records sent, records per
 * second, the send latencies it saw) and, with {@code --print-metrics}, the producer's own metrics
 * ({@code batch-size-avg}, {@code records-per-request-avg}, …), which say how it batched.
 *
 * @param records       records sent
 * @param recordsPerSec records acknowledged per second, from the first send to the last acknowledgement
 * @param avgLatencyMs  the average time from send to acknowledgement
 * @param p99LatencyMs  its 99th percentile, in whole milliseconds as the tool prints it
 * @param metrics       the {@code producer-metrics} group by name (empty when not printed)
 */
record ProducerPerformanceReport(long records, double recordsPerSec, double avgLatencyMs, long p99LatencyMs,
                                 Map<String, Double> metrics) {

  /** "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P ms 50th, … ms 99.9th." */
  private static final Pattern SUMMARY = Pattern.compile(
      "(\\d+) records sent, ([\\d.]+) records/sec \\([\\d.]+ MB/sec\\), ([\\d.]+) ms avg latency, [\\d.]+ ms max latency,"
          + " \\d+ ms 50th, \\d+ ms 95th, (\\d+) ms 99th, \\d+ ms 99\\.9th");
  /** "producer-metrics:batch-size-avg:{client-id=perf-producer-client}   : 16356.667". */
  private static final Pattern METRIC = Pattern.compile(
      "(?m)^producer-metrics:([a-z-]+):\\{client-id=[^}]*}\\s*:\\s*([-+\\d.Ee]+|NaN)\\s*$");

  /** Reads the tool's output; fails quoting it when it has no summary line. */
  static ProducerPerformanceReport parse(String output) {
    // the progress lines every five seconds look alike but lack the percentiles; the summary comes last
    Matcher summary = SUMMARY.matcher(output);
    MatchResult last = null;
    while (summary.find()) {
      last = summary.toMatchResult();
    }
    if (last == null) {
      throw new IllegalStateException("ProducerPerformance printed no summary line (\"N records sent, R records/sec"
          + " …, P ms 99.9th.\"); its output ends with:\n" + KafkaTool.tail(output));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    Matcher metric = METRIC.matcher(output);
    while (metric.find()) {
      metrics.put(metric.group(1), Double.valueOf(metric.group(2)));
    }
    return new ProducerPerformanceReport(Long.parseLong(last.group(1)), Double.parseDouble(last.group(2)),
        Double.parseDouble(last.group(3)), Long.parseLong(last.group(4)), Map.copyOf(metrics));
  }
}
