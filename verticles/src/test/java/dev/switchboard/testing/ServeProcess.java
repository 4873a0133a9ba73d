package dev.switchboard.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fat jar run as users run it: its own JVM, its output in a log file under {@code target/}
 * (and kept for the assertions), stopped with SIGTERM or killed with SIGKILL.
 */
public final class ServeProcess implements AutoCloseable {

  public static final Path JAR = Path.of("target", "switchboard.jar");
  private static final Pattern READY = Pattern.compile(
      "gRPC on port (\\d+), management on port (\\d+)(?:, internal on port (\\d+))?");

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> drained;

  private ServeProcess(Process process, Path log) {
    this.process = process;
    // Output goes to a file and is followed from there: a pipe read while the process exits can lose
    // its last lines (the shutdown), which the assertions need.
    this.drained = CompletableFuture.runAsync(() -> {
      try (BufferedReader output = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
        while (true) {
          boolean exited = !process.isAlive();
          String line;
          while ((line = output.readLine()) != null) {
            synchronized (lines) {
              lines.add(line);
            }
            Matcher matcher = READY.matcher(line);
            if (matcher.find()) {
              ready.complete(matcher);
            }
          }
          if (exited) {
            break;
          }
          Thread.sleep(20);
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ready.completeExceptionally(new IllegalStateException("the process ended before it was ready; see " + log));
    }, runnable -> new Thread(runnable, "serve-process-output").start());
  }

  /** Starts {@code java -jar switchboard.jar ARGS…}; its output goes to {@code target/<logName>.log} too. */
  public static ServeProcess launch(String logName, List<String> args) throws IOException {
    assertThat(JAR).as("the fat jar is built by 'package' before integration tests").exists();
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
    command.addAll(args);
    Path log = Path.of("target", logName + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServeProcess(process, log);
  }

  /**
   * Starts {@code java -jar /absolute/path/to/switchboard.jar ARGS…} in {@code workingDirectory}, as a
   * user elsewhere would: without the {@code SWITCHBOARD_*} environment of this test run.
   */
  public static ServeProcess launchIn(Path workingDirectory, String logName, List<String> args) throws IOException {
    assertThat(JAR).as("the fat jar is built by 'package' before integration tests").exists();
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(args);
    Path log = Path.of("target", logName + ".log").toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    return new ServeProcess(builder.start(), log);
  }

  /** Waits for the "ready" line; returns {grpcPort, httpPort, internalPort (-1 when the internal listener is closed)}. */
  public int[] awaitReady(long seconds) throws Exception {
    Matcher matcher = ready.get(seconds, TimeUnit.SECONDS);
    return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
        matcher.group(3) == null ? -1 : Integer.parseInt(matcher.group(3))};
  }

  /** SIGKILL: no shutdown hook, no commit, no close — what a crash or the OOM killer does. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process exits").isTrue();
  }

  /** SIGTERM: the shutdown hook starts closing the node; does not wait. */
  public void terminate() {
    process.destroy();
  }

  /** SIGTERM (the shutdown hook closes the node), then waits for the process to exit; returns its exit code. */
  public int stop() throws Exception {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exits after SIGTERM").isTrue();
    drained.get(10, TimeUnit.SECONDS);
    return process.exitValue();
  }

  /** Waits for the process to end by itself; returns its exit code. */
  public int awaitExit(long seconds) throws Exception {
    assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("process exits").isTrue();
    drained.get(10, TimeUnit.SECONDS);
    return process.exitValue();
  }

  /** The lines the command line itself printed ({@code switchboard: …}), not the log's. */
  public List<String> messages() {
    return output().stream().filter(line -> line.startsWith("switchboard: ")).toList();
  }

  /** The output so far, as one string. */
  public String text() {
    return String.join("\n", output());
  }

  /** The output so far. */
  public List<String> output() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
