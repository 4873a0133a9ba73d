package dev.switchboard.bench.kafka;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading what Kafka's perf tools print, as Kafka 3.7 prints it. */
@DisplayName("Kafka tool output")
class ToolOutputTest {

  @Test
  @DisplayName("ProducerPerformance: the final summary line counts, not the progress lines; metrics are read when printed")
  void producerPerformanceSummary() {
    String output = """
        15:53:30.737 WARN  [kafka] NetworkClient - Error while fetching metadata with correlation id 1 : {pp1=UNKNOWN_TOPIC_OR_PARTITION}
        11256 records sent, 2235.6 records/sec (0.43 MB/sec), 1354.3 ms avg latency, 2896.0 ms max latency.
        300000 records sent, 19660.528213 records/sec (3.75 MB/sec), 3958.72 ms avg latency, 4977.00 ms max latency, 4218 ms 50th, 4746 ms 95th, 4935 ms 99th, 4968 ms 99.9th.

        Metric Name                                                                                 Value
        producer-metrics:batch-size-avg:{client-id=perf-producer-client}                            : 16356.667
        producer-metrics:records-per-request-avg:{client-id=perf-producer-client}                   : 232.739
        producer-metrics:record-error-rate:{client-id=perf-producer-client}                         : NaN
        """;

    ProducerPerformanceReport report = ProducerPerformanceReport.parse(output);

    assertThat(report.records()).isEqualTo(300_000);
    assertThat(report.recordsPerSec()).isEqualTo(19660.528213);
    assertThat(report.avgLatencyMs()).isEqualTo(3958.72);
    assertThat(report.p99LatencyMs()).isEqualTo(4935);
    assertThat(report.metrics()).containsEntry("batch-size-avg", 16356.667)
        .containsEntry("records-per-request-avg", 232.739).containsKey("record-error-rate");
  }

  @Test
  @DisplayName("ProducerPerformance: no summary line fails, quoting the output")
  void producerPerformanceWithoutSummary() {
    assertThatThrownBy(() -> ProducerPerformanceReport.parse(
        "11256 records sent, 2235.6 records/sec (0.43 MB/sec), 1354.3 ms avg latency, 2896.0 ms max latency.\n"
            + "org.apache.kafka.common.errors.TimeoutException: Topic t not present in metadata after 60000 ms."))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no summary line")
        .hasMessageContaining("Topic t not present in metadata");
  }

  @Test
  @DisplayName("EndToEndLatency: the mean and the whole-millisecond percentiles")
  void endToEndLatency() {
    String output = """
        Topic "e2e1" does not exist. Will create topic with 1 partition(s) and replication factor = 1
        0\t712.043912
        1000\t3.120577
        Avg latency: 10.4361 ms
        Percentiles: 50th = 4, 99th = 81, 99.9th = 268
        """;

    EndToEndLatencyReport report = EndToEndLatencyReport.parse(output);

    assertThat(report.avgMs()).isEqualTo(10.4361);
    assertThat(report.p50Ms()).isEqualTo(4);
    assertThat(report.p99Ms()).isEqualTo(81);
    assertThat(report.p999Ms()).isEqualTo(268);
  }

  @Test
  @DisplayName("EndToEndLatency: missing percentiles fail, quoting the output")
  void endToEndLatencyWithoutPercentiles() {
    assertThatThrownBy(() -> EndToEndLatencyReport.parse("Exception in thread \"main\" java.lang.RuntimeException:"
        + " poll() timed out before finding a result (timeout:[60000])"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("poll() timed out");
  }

  @Test
  @DisplayName("a producer's settings are read from the configuration Kafka logs when it creates one")
  void producerConfigLog() {
    String logged = "ProducerConfig values: \n\tacks = -1\n\tbatch.size = 16384\n\tinterceptor.classes = []\n"
        + "\tlinger.ms = 1\n\tpartitioner.class = null\n";

    assertThat(ProducerConfigLog.settings(logged)).containsEntry("acks", "-1").containsEntry("batch.size", "16384")
        .containsEntry("linger.ms", "1").containsEntry("interceptor.classes", "[]");
  }
}
