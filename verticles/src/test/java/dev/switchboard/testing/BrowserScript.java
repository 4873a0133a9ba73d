package dev.switchboard.testing;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs one of the scripts in {@code clients/browser/} (playwright-core driving Debian's
 * {@code /usr/bin/chromium}) and reads the one JSON line it prints last. CI installs Chromium, runs
 * {@code npm ci} in clients/browser and sets {@code SWITCHBOARD_REQUIRE_BROWSER=1}, so a missing
 * browser fails the test; elsewhere {@link #require()} skips it with a note.
 */
public final class BrowserScript {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CLIENT = Path.of("..", "clients", "browser");

  private BrowserScript() {
  }

  /** Skips the calling test (or fails it, where the browser is required) unless Chromium and the client are installed. */
  public static void require() {
    boolean chromium = Files.isExecutable(CHROMIUM);
    boolean client = Files.isDirectory(CLIENT.resolve("node_modules").resolve("playwright-core"));
    boolean ready = chromium && client;
    String how = (chromium ? "" : "install Chromium ('apt-get install -y chromium'); ")
        + (client ? "" : "run 'npm ci' in clients/browser (needs Node.js 20+)");
    if (!ready && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_BROWSER"))) {
      throw new AssertionError("the browser check is required: " + how);
    }
    Assumptions.assumeTrue(ready, "no browser to run the check in: " + how + "; test skipped");
  }

  /**
   * Runs {@code node script args…} in clients/browser, its output kept in {@code output}; asserts that
   * it finished within {@code timeoutSeconds} and printed a JSON line, and returns the last one with
   * everything printed (for failure messages).
   */
  public static Result run(Path output, long timeoutSeconds, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Files.createDirectories(output.toAbsolutePath().getParent());
    Process node = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toAbsolutePath().toFile()).start();
    boolean exited = node.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!exited) {
      node.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(exited).as("%s finished within %d s: %s", script, timeoutSeconds, printed).isTrue();
    List<String> lines = printed.lines().filter(line -> line.startsWith("{")).toList();
    assertThat(lines).as(printed).isNotEmpty();
    return new Result(node.exitValue(), new JsonObject(lines.get(lines.size() - 1)), printed);
  }

  /** What a script ended with: its exit code, its last JSON line, and all it printed. */
  public record Result(int exitCode, JsonObject json, String printed) {
  }
}
