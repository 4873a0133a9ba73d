package dev.switchboard.experiment;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped experiment, in quick form, holds its hypotheses on this code — lost == 0 where
 * nothing may be lost, duplicated effects only with deduplication off, errors in rpc mode during an
 * outage — and writes a report whose results.json has its documented shape. (Behaviour, not
 * timings: the hypotheses that compare latencies compare variants measured in the same run.)
 */
@DisplayName("experiment NAME --quick, for every shipped experiment")
class ShippedExperimentsIT {

  private static Settings defaults;
  private static JsonSchema schema;

  @BeforeAll
  static void read() throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      defaults = Blocking.await(ConfigLoader.readFile(vertx, null));
    } finally {
      vertx.close();
    }
    try (var in = ShippedExperimentsIT.class.getClassLoader().getResourceAsStream("experiments/results.schema.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
    }
  }

  static List<String> shipped() {
    return ExperimentCatalog.SHIPPED;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shipped")
  void holdsItsHypothesesAndWritesItsReport(String name, @org.junit.jupiter.api.io.TempDir Path out)
      throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Map<String, String> overrides = Map.of(
        "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
        "shutdown.graceMs", "0");
    int exit = new Experiment(new PrintStream(console, true, StandardCharsets.UTF_8),
        new PrintStream(errors, true, StandardCharsets.UTF_8))
        .run(defaults, new Experiment.Options(name, out, true, List.of(), overrides));
    String printed = console.toString(StandardCharsets.UTF_8);

    assertThat(exit).as("exit code; output:%n%s%n%s", printed, errors).isZero();
    assertThat(printed).contains("PASS").doesNotContain("FAIL ").contains("report: ");

    String json = Files.readString(out.resolve("results.json"));
    assertThat(schema.validate(json, InputFormat.JSON)).as("results.json against its schema").isEmpty();
    JsonObject results = new JsonObject(json);
    assertThat(results.getString("experiment")).isEqualTo(name);
    JsonArray variants = results.getJsonArray("variants");
    assertThat(variants).isNotEmpty();
    for (int i = 0; i < variants.size(); i++) {
      JsonObject variant = variants.getJsonObject(i);
      assertThat(variant.getJsonObject("summary").getLong("sent")).as("orders sent by %s", variant.getString("name"))
          .isPositive();
      assertThat(variant.getJsonArray("series")).as("a per-second series").isNotEmpty();
      assertThat(out.resolve(variant.getString("name") + ".hlog")).isRegularFile();
    }
    assertThat(results.getJsonArray("hypotheses")).isNotEmpty()
        .allSatisfy(verdict -> assertThat(((JsonObject) verdict).getBoolean("passed")).isTrue());
    assertThat(out.resolve("report.html")).isRegularFile();
    assertThat(out.resolve("report.md")).isRegularFile();
  }
}
