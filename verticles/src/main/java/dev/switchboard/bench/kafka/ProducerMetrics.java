package dev.switchboard.bench.kafka;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a producer batched, from the metrics every Kafka producer publishes (over JMX in this JVM,
 * printed by {@code ProducerPerformance --print-metrics} in its own): the same names on both sides,
 * so the report can put them side by side. Kafka's averages cover its recent sample windows (about
 * the last minute).
 */
final class ProducerMetrics {

  /** The metrics the report shows, in this order. */
  static final List<String> SHOWN = List.of("record-size-avg", "batch-size-avg", "records-per-request-avg",
      "record-queue-time-avg", "request-latency-avg", "compression-rate-avg");

  private ProducerMetrics() {
  }

  /** The {@link #SHOWN} metrics of the producer {@code clientId} of this JVM; empty when it has none. */
  static Map<String, Double> of(String clientId) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Double> metrics = new LinkedHashMap<>();
    try {
      ObjectName name = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + ObjectName.quote(clientId));
      ObjectName unquoted = new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
      ObjectName found = server.isRegistered(unquoted) ? unquoted : server.isRegistered(name) ? name : null;
      if (found == null) {
        return metrics;
      }
      for (String metric : SHOWN) {
        if (server.getAttribute(found, metric) instanceof Number value) {
          metrics.put(metric, value.doubleValue());
        }
      }
    } catch (JMException | IllegalArgumentException e) {
      // a client id JMX cannot name, or a metric gone: the report says nothing of its batching
    }
    return metrics;
  }

  /** The {@link #SHOWN} metrics among {@code metrics}, e.g. {@code batch-size-avg 16,357}. */
  static String describe(Map<String, Double> metrics) {
    if (metrics.isEmpty()) {
      return "(not available)";
    }
    StringBuilder text = new StringBuilder();
    for (String metric : SHOWN) {
      Double value = metrics.get(metric);
      if (value != null) {
        text.append(text.isEmpty() ? "" : ", ").append(metric).append(' ')
            .append(String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : "%.2f", value));
      }
    }
    return text.toString();
  }
}
