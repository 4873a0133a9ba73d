package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * kcat (Debian package {@code kcat}), a Kafka client no one here wrote, as an outside producer and
 * consumer. CI installs it and sets {@code SWITCHBOARD_REQUIRE_KCAT=1}, so there a missing kcat fails
 * the test; elsewhere the test is skipped with a note.
 */
public final class Kcat {

  private static final String FIELD = "\u001f";
  private static final String RECORD = "\u001e";

  /** One consumed record: key, headers (in order), value. */
  public record Record(String key, Map<String, String> headers, String value) {
  }

  private Kcat() {
  }

  public static void requireInstalled() {
    boolean installed = Files.isExecutable(Path.of("/usr/bin/kcat")) || onPath("kcat");
    if (!installed && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_KCAT"))) {
      throw new AssertionError("kcat is required (apt-get install -y kcat)");
    }
    Assumptions.assumeTrue(installed, "kcat is not installed (apt-get install -y kcat); test skipped");
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  /** Writes one record with {@code kcat -P}. */
  public static void produce(String bootstrap, String topic, String key, Map<String, String> headers, String value)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap, "-P", "-t", topic, "-k", key));
    headers.forEach((name, headerValue) -> command.addAll(List.of("-H", name + "=" + headerValue)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write(value.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("kcat -P failed: " + output);
    }
  }

  /**
   * Reads the topic from the beginning with {@code kcat -C -e}, again and again, until the records
   * satisfy {@code done} or {@code within} passes; returns the last read.
   */
  public static List<Record> consumeUntil(String bootstrap, String topic, Duration within,
                                          Predicate<List<Record>> done) throws IOException, InterruptedException {
    return consumeUntil(bootstrap, topic, within, done, "%s");
  }

  /** As {@link #consumeUntil}, with each record's value replaced by its size in bytes (for binary values). */
  public static List<Record> consumeSizesUntil(String bootstrap, String topic, Duration within,
                                               Predicate<List<Record>> done) throws IOException, InterruptedException {
    return consumeUntil(bootstrap, topic, within, done, "%S");
  }

  private static List<Record> consumeUntil(String bootstrap, String topic, Duration within,
                                           Predicate<List<Record>> done, String value)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<Record> records = List.of();
    while (System.nanoTime() < deadline) {
      records = consume(bootstrap, topic, value);
      if (done.test(records)) {
        return records;
      }
      Thread.sleep(200);
    }
    return records;
  }

  private static List<Record> consume(String bootstrap, String topic, String value)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder("kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
        "-f", "%k" + FIELD + "%h" + FIELD + value + RECORD).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    List<Record> records = new ArrayList<>();
    for (String line : output.split(RECORD)) {
      String[] parts = line.split(FIELD, -1);
      if (parts.length == 3) {
        records.add(new Record(parts[0], headers(parts[1]), parts[2]));
      }
    }
    return records;
  }

  /** kcat prints headers as {@code name=value,name=value}. */
  private static Map<String, String> headers(String printed) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (printed.isEmpty()) {
      return headers;
    }
    for (String pair : printed.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        headers.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return headers;
  }
}
