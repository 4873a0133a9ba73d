package dev.switchboard.bench;

import dev.switchboard.testing.ServeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar switchboard.jar bench --quick}, as a user runs it, so that the benchmark cannot
 * rot: every default suite runs (with its baselines from kafka-dev/target/lib and
 * bench-baselines/target/lib) and the run writes its table, bench.json and plots. Figures are never
 * asserted: a quick run on a shared machine proves the benchmark works, not how fast anything is.
 */
@DisplayName("java -jar switchboard.jar bench --quick")
class BenchQuickIT {

  private ServeProcess bench;

  @AfterEach
  void stop() throws InterruptedException {
    if (bench != null) {
      bench.close();
    }
  }

  @Test
  @Timeout(value = 16, unit = TimeUnit.MINUTES) // the run is bounded by awaitExit(900), which then shows its output
  @DisplayName("runs invoke, edge, kafka and checkout against their baselines and writes bench.json and the plots")
  void quickRunWritesItsFiles(@TempDir Path out) throws Exception {
    bench = ServeProcess.launch("bench-quick", List.of("bench", "--quick", "--out", out.toString()));

    assertThat(bench.awaitExit(900)).as("exit code; output:%n%s", bench.text()).isZero();
    JsonObject written = new JsonObject(Files.readString(out.resolve("bench.json")));
    assertThat(written.getBoolean("quick")).isTrue();
    assertThat(written.getJsonArray("failures")).isEmpty();
    JsonArray suites = written.getJsonArray("suites");
    assertThat(suites.stream().map(suite -> ((JsonObject) suite).getString("suite")))
        .containsExactly("invoke", "edge", "kafka", "checkout");
    for (Object entry : suites) {
      JsonObject suite = (JsonObject) entry;
      assertThat(suite.getJsonArray("comparisons")).as(suite.getString("suite")).isNotEmpty();
      for (Object comparison : suite.getJsonArray("comparisons")) {
        JsonObject measured = (JsonObject) comparison;
        assertThat(measured.getJsonObject("switchboard").getString("does")).isNotBlank();
        assertThat(measured.getJsonObject("baseline").getString("does")).isNotBlank();
      }
      assertThat(suite.getJsonArray("notes")).as(suite.getString("suite")).isNotEmpty();
    }
    assertThat(out.resolve("edge").resolve("async-server.log")).content().contains("QPS Server started");
    for (String plot : List.of("invoke-throughput", "edge-throughput", "kafka-throughput", "kafka-round-trip",
        "checkout-throughput", "checkout-p99")) {
      assertThat(out.resolve(plot + ".png")).as(plot).isNotEmptyFile();
    }
    assertThat(bench.text()).contains("suite", "ratio", "wrote " + out.resolve("bench.json"));
  }
}
