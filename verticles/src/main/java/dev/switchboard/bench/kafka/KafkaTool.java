package dev.switchboard.bench.kafka;

import dev.switchboard.experiment.LocalKafkaProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Apache Kafka's own command-line tools ({@code ProducerPerformance},
 * {@code EndToEndLatency}) in a JVM of its own, from the {@code kafka-dev} module's classpath
 * ({@code kafka-dev/target/lib}, where the broker's jars are too): the tools never share a classpath
 * with the application. Its output (standard output and error together) is kept in a transcript file
 * and returned for parsing; a tool that fails or does not finish in time fails the run, quoting the
 * end of what it printed.
 */
final class KafkaTool {

  private static final int QUOTED_CHARS = 3_000;

  private final Path lib;

  private KafkaTool(Path lib) {
    this.lib = lib;
  }

  /** The tools of the {@code kafka-dev} classpath the local broker runs from ({@link LocalKafkaProcess#findLib}). */
  static KafkaTool fromKafkaDev() throws IOException {
    return new KafkaTool(LocalKafkaProcess.findLib());
  }

  /**
   * Runs {@code mainClass} with {@code args}, its output going to {@code transcript}; returns that
   * output once it exits 0 within {@code timeout}.
   */
  String run(String mainClass, List<String> args, Duration timeout, Path transcript) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // the tools print their figures with the default locale: fix it so they parse anywhere
        "-Xms128m", "-Xmx512m", "-Duser.language=en", "-Duser.country=US",
        "-cp", lib.toAbsolutePath() + "/*", mainClass));
    command.addAll(args);
    Files.createDirectories(transcript.toAbsolutePath().getParent());
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(transcript.toFile()).start();
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while " + simpleName(mainClass) + " ran", e);
    }
    if (!exited) {
      process.destroyForcibly();
      throw new IllegalStateException(simpleName(mainClass) + " did not finish within " + timeout.toSeconds()
          + " s; its output (" + transcript + ") ends with:\n" + tail(read(transcript)));
    }
    String output = read(transcript);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(simpleName(mainClass) + " exited with " + process.exitValue()
          + "; its output (" + transcript + ") ends with:\n" + tail(output));
    }
    return output;
  }

  private static String read(Path transcript) throws IOException {
    return Files.readString(transcript, StandardCharsets.UTF_8);
  }

  private static String simpleName(String mainClass) {
    return mainClass.substring(mainClass.lastIndexOf('.') + 1);
  }

  /** The last part of a tool's output, to quote in an error. */
  static String tail(String output) {
    String trimmed = output.strip();
    return trimmed.isEmpty() ? "(nothing)"
        : trimmed.length() <= QUOTED_CHARS ? trimmed : "…" + trimmed.substring(trimmed.length() - QUOTED_CHARS);
  }
}
