package dev.switchboard.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard check}: one line per finding, then a summary; exit 0, 1 or 2. */
@DisplayName("switchboard check")
class CheckCommandTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private PrintStream originalOut;

  @BeforeEach
  void captureOutput() {
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreOutput() {
    System.setErr(originalErr);
    System.setOut(originalOut);
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("the shipped default configuration has no finding: exit 0")
  void defaultConfiguration() {
    int exitCode = Main.run(new String[] {"check"});

    assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
    assertThat(outLines()).containsExactly("switchboard check: 0 errors, 0 warnings");
  }

  @Test
  @DisplayName("warnings only: one line each, exit 0")
  void warningsOnly() {
    int exitCode = Main.run(new String[] {"check", "--set", "operations.orders.place.timeoutMs=1000",
        "--set", "operations.payment.charge.faults.latencyMs=300"});

    assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
    assertThat(outLines()).hasSize(3);
    assertThat(outLines().get(0)).startsWith("warning operations.payment.charge.faults: latencyMs=300: ");
    assertThat(outLines().get(1)).startsWith("warning operations.orders.place.timeoutMs: 1000, but the checkout saga"
        + " it runs in rpc mode may take 30000 ms in rpc calls: steps inventory.reserve 5000 + payment.charge 5000 +"
        + " shipping.schedule 5000, compensations inventory.release 5000 + payment.refund 5000 + shipping.cancel 5000");
    assertThat(outLines().get(2)).isEqualTo("switchboard check: 0 errors, 2 warnings");
  }

  @Test
  @DisplayName("an error: its line first, exit 1")
  void error() {
    int exitCode = Main.run(new String[] {"check", "--set", "operations.payment.charge.faults.dedup=false",
        "--set", "operations.analytics.orderEvents.mode=event"});

    assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
    assertThat(outLines()).hasSize(3);
    assertThat(outLines().get(0)).startsWith("error   operations.payment.charge.faults.dedup: false: payment.charge"
        + " no longer deduplicates by message id");
    assertThat(outLines().get(1)).startsWith("warning operations.analytics.orderEvents.mode: event: the handler of"
        + " analytics.orderEvents repeats its effect");
    assertThat(outLines().get(2)).isEqualTo("switchboard check: 1 error, 1 warning");
  }

  @Test
  @DisplayName("the README's example prints what the README shows")
  void readmeExample() throws java.io.IOException {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    String section = readme.substring(readme.indexOf("### Before a flip: `switchboard check`"));
    String command = between(section, "```bash\n", "\n```").replace("\\\n", " ");
    String afterCommand = section.substring(section.indexOf("\n```\n") + "\n```\n".length());
    List<String> shown = between(afterCommand, "```\n", "\n```").lines().toList();
    String[] args = command.substring(command.indexOf("switchboard.jar ") + "switchboard.jar ".length()).trim()
        .split("\\s+");

    int exitCode = Main.run(args);

    assertThat(exitCode).isEqualTo(1);
    assertThat(outLines()).containsExactlyElementsOf(shown);
  }

  /** The text after the first {@code open} in {@code text}, up to the next {@code close}. */
  private static String between(String text, String open, String close) {
    int start = text.indexOf(open) + open.length();
    return text.substring(start, text.indexOf(close, start));
  }

  @Test
  @DisplayName("an invalid value: exit 2 naming the key, the value and what is allowed; no finding printed")
  void invalidValue() {
    int exitCode = Main.run(new String[] {"check", "--set", "operations.payment.charge.mode=sync"});

    assertThat(exitCode).isEqualTo(2);
    assertThat(err()).contains("switchboard: invalid configuration: operations.payment.charge.mode = 'sync'",
        "allowed values are rpc, event");
    assertThat(outLines()).isEmpty();
  }

  @Test
  @DisplayName("a configuration file that does not exist: exit 2 naming it")
  void missingFile() {
    int exitCode = Main.run(new String[] {"check", "--config", "/no/such/switchboard.yaml"});

    assertThat(exitCode).isEqualTo(2);
    assertThat(err()).contains("--config", "/no/such/switchboard.yaml", "no such file");
  }

  @Test
  @DisplayName("an unexpected argument: exit 2 with the usage, which lists check")
  void usage() {
    int exitCode = Main.run(new String[] {"check", "extra"});

    assertThat(exitCode).isEqualTo(2);
    assertThat(err()).contains("unexpected argument 'extra'", "check            the pre-flip check");
  }
}
