package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("bench invoke")
class InvokeSuiteTest {

  @Test
  @DisplayName("a quick run measures switchboard.invoke and the raw event bus side by side")
  void quickRunCompletes(@TempDir Path out) {
    List<String> progress = new ArrayList<>();
    SuiteResult result = new InvokeSuite().run(new BenchContext(true, out, progress::add));

    SuiteAssertions.measuredBothSides(result, "invoke");
    assertThat(result.comparisons()).extracting(Comparison::measure).contains("throughput", "round-trip p99");
    assertThat(progress).anyMatch(line -> line.startsWith("round "));
  }
}
