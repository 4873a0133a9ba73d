package dev.switchboard.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A local single-node Kafka broker in a JVM of its own, started from the {@code kafka-dev} module's
 * classpath ({@code kafka-dev/target/lib}, built by {@code ./mvnw package}), so that the broker's jars
 * never share a classpath with the application. For the demo and the tests; blocking, so call it
 * from a plain thread, never an event loop.
 */
public final class LocalKafkaProcess implements AutoCloseable {

  public static final String LIB_ENV = "SWITCHBOARD_KAFKA_LIB";
  private static final ModuleLib LIB = new ModuleLib("kafka-dev", LIB_ENV, "local Kafka broker classpath (the broker's jars)",
      "or give kafka.bootstrap.servers of a running broker");
  private static final String READY = "LOCAL-KAFKA-READY ";
  private static final long START_TIMEOUT_S = 60;

  private final Process process;
  private final String bootstrapServers;
  private final long startMillis;

  private LocalKafkaProcess(Process process, String bootstrapServers, long startMillis) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.startMillis = startMillis;
  }

  /** Starts a broker on a free port with a new data directory. */
  public static LocalKafkaProcess start() throws IOException {
    return start(Files.createTempDirectory("switchboard-kafka-"), freePort());
  }

  /** Starts a broker on {@code port} with its log in {@code dataDir} (kept: a restart finds its topics). */
  public static LocalKafkaProcess start(Path dataDir, int port) throws IOException {
    Path lib = findLib();
    long started = System.nanoTime();
    Process process = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
        "-cp", lib.toAbsolutePath() + "/*",
        "dev.switchboard.kafkadev.LocalKafka", "--port", Integer.toString(port), "--dir", dataDir.toString()))
        .redirectError(dataDir.resolve("broker.log").toFile())
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(READY)) {
            return line.substring(READY.length()).split(" ")[0];
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    try {
      String address = ready.get(START_TIMEOUT_S, TimeUnit.SECONDS);
      if (address == null) {
        throw new IOException("the local Kafka broker exited before it was ready; see " + dataDir.resolve("broker.log"));
      }
      CompletableFuture.runAsync(() -> out.lines().forEach(line -> { }));
      return new LocalKafkaProcess(process, address, (System.nanoTime() - started) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while the local Kafka broker started", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("the local Kafka broker did not start within " + START_TIMEOUT_S + " s; see "
          + dataDir.resolve("broker.log"), e);
    }
  }

  /**
   * {@code SWITCHBOARD_KAFKA_LIB}, or {@code kafka-dev/target/lib} of the checkout this code was built
   * in — found from the jar's own location ({@code verticles/target/switchboard.jar}, or
   * {@code verticles/target/classes} in tests), so that it runs from any working directory — or
   * from the working directory or its parent.
   */
  public static Path findLib() throws IOException {
    return LIB.find();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** How long the broker took from process start to taking connections. */
  public long startMillis() {
    return startMillis;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
