package dev.switchboard.experiment;

import dev.switchboard.platform.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("experiment: exit 0 when every hypothesis held, 1 when one failed, 2 when the file is wrong")
class ExperimentCommandTest {

  private static final String TINY = """
      name: tiny
      claim: a checkout confirms orders
      workload:
        phases:
          - steady: {rate: 20, for: 1s}
        luxuryShare: 0
        stock: {SKU-APPLE: 1000, SKU-BANANA: 1000, SKU-CHERRY: 1000}
        warmup: 0
        grace: 20s
      variants:
        - all-rpc
      hypotheses:
        - "all-rpc: sent == 20 and confirmed == sent and lost == 0"
      """;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
  private final Experiment experiment = new Experiment(new PrintStream(console, true, StandardCharsets.UTF_8),
      new PrintStream(errors, true, StandardCharsets.UTF_8));

  @TempDir
  Path directory;

  @Test
  @DisplayName("every hypothesis held: 0, with the table, the verdicts and the report's path")
  void held() throws IOException {
    assertThat(run(TINY)).as("exit; %s %s", console, errors).isZero();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("[all-rpc]   1s offered")
        .contains("PASS  all-rpc: sent == 20 and confirmed == sent and lost == 0").contains("report: ");
    assertThat(directory.resolve("out/results.json")).isRegularFile();
  }

  @Test
  @DisplayName("a hypothesis failed: 1, and the report is still written")
  void failed() throws IOException {
    assertThat(run(TINY.replace("confirmed == sent and lost == 0", "errors > 0"))).isEqualTo(1);
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("FAIL  all-rpc: sent == 20 and errors > 0")
        .contains("observed: all-rpc.sent = 20, all-rpc.errors = 0");
    assertThat(directory.resolve("out/report.html")).isRegularFile();
  }

  @Test
  @DisplayName("a wrong file: 2 before anything runs, naming the key, the value and what is allowed")
  void wrongFile() throws IOException {
    assertThat(run(TINY.replace("- all-rpc", "- all-rcp"))).isEqualTo(2);
    assertThat(errors.toString(StandardCharsets.UTF_8)).contains("variants[0] = 'all-rcp': no config/variants/all-rcp.yaml");
    assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("offered");
    assertThat(directory.resolve("out")).doesNotExist();
  }

  @Test
  @DisplayName("a variant whose settings a node would refuse: 2, naming the variant and the key")
  void wrongSettings() throws IOException {
    assertThat(run(TINY.replace("- all-rpc", "- {name: odd, from: all-rpc, set: {defaults.mode: sometimes}}")
        .replace("all-rpc: sent", "odd: sent"))).isEqualTo(2);
    assertThat(errors.toString(StandardCharsets.UTF_8)).contains("variant odd").contains("defaults.mode = 'sometimes'");
  }

  @Test
  @DisplayName("an unknown experiment, or a variant it does not have: 2")
  void unknownNames() throws IOException {
    assertThat(experiment.run(Settings.empty(), new Experiment.Options("no-such-experiment", null, true, List.of(),
        Map.of()))).isEqualTo(2);
    assertThat(experiment.run(Settings.empty(), new Experiment.Options("load-leveling", null, true,
        List.of("all-kafka"), Map.of()))).isEqualTo(2);
    assertThat(errors.toString(StandardCharsets.UTF_8)).contains("no experiment 'no-such-experiment'")
        .contains("--variants = 'all-kafka': this experiment's variants are [all-rpc, all-event]");
  }

  @Test
  @DisplayName("--list names every shipped experiment with its claim")
  void list() {
    assertThat(experiment.list()).isZero();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("load-leveling").contains("A queue levels load")
        .contains("chain-availability");
  }

  private int run(String text) throws IOException {
    Path file = directory.resolve("tiny.yaml");
    Files.writeString(file, text);
    return experiment.run(Settings.empty(), new Experiment.Options(file.toString(), directory.resolve("out"), false,
        List.of(), Map.of("shutdown.graceMs", "0")));
  }
}
