package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Finding grpc-java's AsyncServer (bench-baselines/target/lib)")
class AsyncServerProcessTest {

  @Test
  @DisplayName("no jars built: the error says where it looked and how to build them")
  void missingLibSaysHowToBuildIt(@TempDir Path dir) {
    Path missing = dir.resolve("bench-baselines").resolve("target").resolve("lib");

    assertThatThrownBy(() -> AsyncServerProcess.LIB.find(null, List.of(missing),
        "build it with ./mvnw package in " + dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("./mvnw package")
        .hasMessageContaining(AsyncServerProcess.LIB_ENV);
  }

  @Test
  @DisplayName("a configured directory that does not exist is named, with how to build the jars")
  void configuredDirectoryMissing(@TempDir Path dir) {
    assertThatThrownBy(() -> AsyncServerProcess.LIB.find(dir.resolve("nowhere").toString(), List.of(), "build it"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(AsyncServerProcess.LIB_ENV)
        .hasMessageContaining("nowhere")
        .hasMessageContaining("./mvnw package");
  }

  @Test
  @DisplayName("the configured directory first, else the first candidate that exists")
  void findsTheDirectory(@TempDir Path dir) throws IOException {
    Path configured = Files.createDirectories(dir.resolve("configured"));
    Path built = Files.createDirectories(dir.resolve("built"));

    assertThat(AsyncServerProcess.LIB.find(configured.toString(), List.of(built), "")).isEqualTo(configured);
    assertThat(AsyncServerProcess.LIB.find(" ", List.of(dir.resolve("absent"), built), "")).isEqualTo(built);
  }
}
