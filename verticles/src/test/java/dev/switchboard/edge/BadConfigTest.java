package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.node.SwitchboardNode;

import dev.switchboard.cli.Main;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.testing.TestNodes;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A configuration value that cannot be used stops start-up, before anything listens, with one
 * sentence naming the key, the value and what is allowed.
 */
@DisplayName("Bad configuration stops start-up with a message naming the key, the value and what is allowed")
class BadConfigTest {

  /** key, value, and a fragment of what the message must say is allowed. */
  static Stream<Arguments> badSettings() {
    return Stream.of(
        arguments("defaults.mode", "fast", "allowed values are rpc, event"),
        arguments("operations.payment.charge.mode", "sync", "allowed values are rpc, event"),
        arguments("defaults.transport", "carrier-pigeon", "allowed values are local"),
        arguments("operations.payment.chrage.mode", "event", "unknown operation; known operations are ["),
        arguments("operations.payment.charge.colour", "red", "unknown property of operation payment.charge"),
        arguments("grpc.port", "abc", "expected a whole number between 0 and 65535"),
        arguments("grpc.port", "70000", "expected a whole number between 0 and 65535"),
        arguments("http.port", "-1", "expected a whole number between 0 and 65535"),
        arguments("internal.port", "65536", "expected a whole number between 0 and 65535"),
        arguments("internal.tls.certFile", "/nonexistent/internal.pem", "a readable PEM file"),
        arguments("defaults.timeoutMs", "0", "expected a whole number between 1 and"),
        arguments("operations.payment.charge.faults.errorRate", "2", "expected a number between 0.0 and 1.0"),
        arguments("operations.payment.charge.faults.down", "maybe", "expected true or false"),
        arguments("operations.payment.charge.faults.capacityPerSecond", "-1", "expected a whole number between 0 and"),
        arguments("operations.payment.charge.faults.duplicateRate", "1.5", "expected a number between 0.0 and 1.0"),
        arguments("operations.payment.charge.faults.dedup", "sometimes", "expected true or false"),
        arguments("operations.payment.charge.idempotent", "perhaps", "expected true or false"),
        arguments("operations.payment.charge.breaker.failures", "-1", "expected a whole number between 0 and"),
        arguments("operations.payment.charge.breaker.windowMs", "500", "expected a whole number between 1000 and"),
        arguments("operations.payment.charge.breaker.resetMs", "0", "expected a whole number between 1 and"),
        arguments("operations.payment.charge.maxConcurrent", "lots", "expected a whole number between 0 and"),
        arguments("operations.payment.charge.maxQueued", "5", "calls queue only behind a limit"),
        arguments("operations.payment.charge.fallback", "event", "event only for an idempotent operation"),
        arguments("operations.payment.charge.fallback", "queue", "none (an rpc call that cannot be made fails) or event"),
        arguments("operations.payment.charge.fallbackTransport", "grpc", "local or kafka"),
        arguments("operations.payment.charge.fallbackTransport", "kafka", "kafka needs kafka.bootstrap.servers"),
        arguments("inventory.stock.SKU-X", "-1", "expected a whole number between 0 and"),
        arguments("inventory.stock.SKU X", "5", "a SKU is 1 to 64 characters of [A-Za-z0-9_-]"),
        arguments("payment.maxChargeCents", "lots", "expected a whole number between 0 and"),
        arguments("bridge.replyTopics", "replies\\.(mine", "'replies\\.(mine' is not a regular expression"),
        arguments("bridge.replyTopics", "a,,b", "regular expressions of reply topic names, separated by commas"),
        arguments("bridge.sendAttempts", "0", "expected a whole number between 1 and 100"),
        arguments("startup.timeoutMs", "10", "expected a whole number between 1000 and"),
        arguments("startup.kafkaTimeoutMs", "soon", "expected a whole number between 100 and"),
        arguments("instance.id", "checkout 1", "1 to 64 characters of letters, digits, '.', '_', ':' and '-'"),
        arguments("instance.id", "-checkout", "starting with a letter or a digit"),
        arguments("instance.id", "checkout/1", "it is a metric tag, a log field and an HTTP header value"),
        arguments("instance.id", "c".repeat(65), "1 to 64 characters"),
        arguments("vertx.eventLoops", "0", "auto (half the processors, at least 1), or a number of event loops from 1 to 1024"),
        arguments("vertx.eventLoops", "many", "auto (half the processors, at least 1), or a number of event loops"),
        arguments("grpcc.port", "1", "unknown key; known keys are ["));
  }

  @Nested
  @DisplayName("SwitchboardNode.start")
  class NodeStart {

    @ParameterizedTest(name = "{0}={1} fails: {2}")
    @MethodSource("dev.switchboard.edge.BadConfigTest#badSettings")
    @DisplayName("refuses the value with a ConfigException naming key, value and what is allowed")
    void refusesBadValue(String key, String value, String allowed) {
      Future<SwitchboardNode> starting = SwitchboardNode.start(TestNodes.settings(Map.of(key, value)));
      starting.onSuccess(SwitchboardNode::close); // only if the test is about to fail: leave nothing running

      Throwable failure = catchThrowable(() -> Blocking.await(starting));

      assertThat(failure).as("start-up with %s=%s", key, value).isInstanceOf(ConfigException.class);
      ConfigException refused = (ConfigException) failure;
      assertThat(refused.key()).isEqualTo(key);
      assertThat(refused.value()).isEqualTo(value);
      assertThat(refused.getMessage()).contains(key, "'" + value + "'", allowed);
    }

    @Test
    @DisplayName("names every known operation when an operation name is misspelt")
    void listsKnownOperations() {
      Throwable failure = catchThrowable(() -> Blocking.await(
          SwitchboardNode.start(TestNodes.settings(Map.of("operations.payment.chrage.mode", "event")))));

      assertThat(failure).isInstanceOf(ConfigException.class);
      assertThat(failure.getMessage()).contains("payment.charge", "payment.refund", "orders.place",
          "inventory.reserve", "inventory.release", "shipping.schedule");
    }

    @Test
    @DisplayName("names every allowed property of an operation when a property is unknown")
    void listsOperationProperties() {
      Throwable failure = catchThrowable(() -> Blocking.await(
          SwitchboardNode.start(TestNodes.settings(Map.of("operations.payment.charge.colour", "red")))));

      assertThat(failure).isInstanceOf(ConfigException.class);
      assertThat(failure.getMessage()).contains("mode", "transport", "timeoutMs", "faults.latencyMs",
          "faults.errorRate", "faults.down");
    }
  }

  @Nested
  @DisplayName("The command line")
  class CommandLineRun {

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

    private String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    // Every case below must fail before a node starts: `serve` with valid configuration would listen and return 0.

    @ParameterizedTest(name = "serve --set {0}={1}")
    @MethodSource("dev.switchboard.edge.BadConfigTest#badSettings")
    @DisplayName("serve with a bad --set exits 1 and prints the reason")
    void serveWithBadSetting(String key, String value, String allowed) {
      int exitCode = Main.run(new String[] {"serve", "--set", key + "=" + value});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
      assertThat(err()).contains("switchboard: invalid configuration", key, "'" + value + "'", allowed);
    }

    @Test
    @DisplayName("serve with a configuration failing the pre-flip check exits 1 naming every error, before starting")
    void serveFailingTheCheck() {
      int exitCode = Main.run(new String[] {"serve", "--set", "operations.payment.charge.faults.dedup=false",
          "--set", "operations.inventory.reserve.faults.dedup=false", "--set", "grpc.port=0", "--set", "http.port=0"});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
      assertThat(err()).startsWith("switchboard: the configuration fails the pre-flip check")
          .contains("operations.inventory.reserve.faults.dedup: false: inventory.reserve no longer deduplicates",
              "; operations.payment.charge.faults.dedup: false: payment.charge no longer deduplicates");
      assertThat(err().lines()).hasSize(1);
    }

    @Test
    @DisplayName("serve with --set that is not KEY=VALUE exits 1 and shows the expected form")
    void setWithoutEquals() {
      int exitCode = Main.run(new String[] {"serve", "--set", "defaults.mode"});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
      assertThat(err()).contains("--set", "'defaults.mode'", "expected KEY=VALUE");
    }

    @Test
    @DisplayName("serve with --set of an empty key exits 1")
    void setWithEmptyKey() {
      int exitCode = Main.run(new String[] {"serve", "--set", "=rpc"});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
      assertThat(err()).contains("--set", "'=rpc'", "expected KEY=VALUE");
    }

    @Test
    @DisplayName("serve with a missing --config file exits 1 and names the file")
    void missingConfigFile() {
      int exitCode = Main.run(new String[] {"serve", "--config", "/no/such/file.yaml"});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isEqualTo(1);
      assertThat(err()).contains("--config", "/no/such/file.yaml", "no such file");
    }

    @Test
    @DisplayName("an unknown command exits 2, names it and prints the usage")
    void unknownCommand() {
      int exitCode = Main.run(new String[] {"launch"});

      assertThat(exitCode).isEqualTo(2);
      assertThat(err()).contains("unknown command 'launch'", "commands are serve, check, demo", "Usage:");
    }

    @Test
    @DisplayName("no command at all exits 2 and prints the usage")
    void noCommand() {
      int exitCode = Main.run(new String[] {});

      assertThat(exitCode).isEqualTo(2);
      assertThat(err()).contains("Usage:");
    }

    @Test
    @DisplayName("--set without a value exits 2 and says it needs one")
    void setWithoutValue() {
      int exitCode = Main.run(new String[] {"serve", "--set"});

      assertThat(exitCode).isEqualTo(2);
      assertThat(err()).contains("--set needs a value", "Usage:");
    }

    @Test
    @DisplayName("--help exits 0 and prints the usage on standard output")
    void help() {
      int exitCode = Main.run(new String[] {"--help"});

      assertThat(exitCode).isZero();
      assertThat(out()).contains("Usage:", "serve", "demo", "--set KEY=VALUE");
      assertThat(err()).isEmpty();
    }
  }
}
