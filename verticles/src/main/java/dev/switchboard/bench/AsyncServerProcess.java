package dev.switchboard.bench;

import dev.switchboard.experiment.ModuleLib;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java's {@code io.grpc.benchmarks.qps.AsyncServer} (grpc-netty, Netty 4.1) in a JVM of its own:
 * its jars clash with Vert.x 5's Netty 4.2, so they stay in {@code bench-baselines/target/lib}, built by
 * {@code ./mvnw package}, and never on the application's classpath. Started on a free loopback port
 * with {@code --directexecutor} (calls handled on the transport's event loops, as Vert.x does).
 */
final class AsyncServerProcess implements AutoCloseable {

  /** Overrides where the baseline jars are. */
  static final String LIB_ENV = "SWITCHBOARD_BENCH_BASELINES_LIB";
  static final ModuleLib LIB = new ModuleLib("bench-baselines", LIB_ENV,
      "grpc-java AsyncServer classpath (io.grpc:grpc-benchmarks)", "");
  private static final String MAIN = "io.grpc.benchmarks.qps.AsyncServer";
  private static final long START_TIMEOUT_MS = 30_000;

  private final Process process;
  private final int port;

  private AsyncServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the server, its output in {@code log}; returns once it takes connections. */
  static AsyncServerProcess start(Path log) throws IOException {
    Path lib = findLib();
    int port = freePort();
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process process = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms256m", "-Xmx512m",
        "-cp", lib.toAbsolutePath() + "/*", MAIN, "--address=127.0.0.1:" + port, "--directexecutor"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(MAIN + " exited (" + process.exitValue() + ") before it listened; see " + log);
      }
      if (listening(port)) {
        return new AsyncServerProcess(process, port);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while " + MAIN + " started", e);
      }
    }
    process.destroyForcibly();
    throw new IOException(MAIN + " did not listen on port " + port + " within " + START_TIMEOUT_MS + " ms; see " + log);
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * The baseline jars: {@value #LIB_ENV} if set, else {@code bench-baselines/target/lib} of the checkout
   * this code was built in (found from the jar's own location, {@code verticles/target/switchboard.jar} or
   * {@code verticles/target/classes}), else under the working directory or its parent.
   */
  static Path findLib() throws IOException {
    return LIB.find();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
