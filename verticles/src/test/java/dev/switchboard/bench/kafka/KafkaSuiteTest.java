package dev.switchboard.bench.kafka;

import dev.switchboard.bench.BenchContext;
import dev.switchboard.bench.Comparison;
import dev.switchboard.bench.SuiteResult;
import dev.switchboard.testing.SharedKafka;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The kafka suite runs end to end in its quick form on the shared broker; figures are reported, never judged. */
@DisplayName("bench kafka")
class KafkaSuiteTest {

  @Test
  @DisplayName("quick: measures both sides of throughput and round trip, with positive figures, and says how")
  void quickRunCompletes(@TempDir Path out) throws Exception {
    SuiteResult result = new KafkaSuite(SharedKafka.bootstrapServers())
        .run(new BenchContext(true, out, line -> System.err.println("[kafka bench] " + line)));

    assertThat(result.suite()).isEqualTo("kafka");
    assertThat(result.comparisons()).extracting(Comparison::measure)
        .contains("publish throughput", "round-trip p99");
    assertThat(result.comparisons()).allSatisfy(comparison -> {
      assertThat(comparison.switchboardValue()).as(comparison.measure() + ", Switchboard").isPositive();
      assertThat(comparison.baselineValue()).as(comparison.measure() + ", baseline").isNotNegative();
    });
    assertThat(result.comparisons()).filteredOn(comparison -> comparison.measure().equals("publish throughput"))
        .singleElement().satisfies(throughput -> assertThat(throughput.baselineValue()).isPositive());
    assertThat(result.notes()).anySatisfy(note -> assertThat(note).contains("acks=all"));
    assertThat(out.resolve("kafka").resolve("producer-performance-1.txt")).isRegularFile();
    assertThat(out.resolve("kafka").resolve("end-to-end-latency.txt")).isRegularFile();
  }
}
