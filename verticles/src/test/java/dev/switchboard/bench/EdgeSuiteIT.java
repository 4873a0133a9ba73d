package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs after {@code package}: grpc-java's AsyncServer comes from bench-baselines/target/lib. */
@DisplayName("bench edge")
class EdgeSuiteIT {

  @Test
  @DisplayName("a quick run measures the gRPC edge, a bare Vert.x gRPC server and grpc-java's AsyncServer")
  void quickRunCompletes(@TempDir Path out) throws Exception {
    SuiteResult result = new EdgeSuite().run(new BenchContext(true, out, line -> { }));

    SuiteAssertions.measuredBothSides(result, "edge");
    assertThat(result.comparisons()).extracting(Comparison::measure)
        .contains("throughput vs bare", "throughput vs grpc-java");
    assertThat(Files.readString(out.resolve("edge").resolve("async-server.log"))).contains("QPS Server started");
  }
}
