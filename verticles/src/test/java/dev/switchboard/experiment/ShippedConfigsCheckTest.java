package dev.switchboard.experiment;

import dev.switchboard.experiment.ExperimentSpec.VariantSpec;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.platform.check.ConfigCheck;
import dev.switchboard.platform.check.Finding;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the project ships passes the pre-flip check: {@code serve} starts every configuration in
 * {@code config/}, and every experiment variant is a configuration {@code serve} would start too,
 * but for the deduplication-off drills that an experiment switches on to show the damage.
 */
@DisplayName("The shipped configurations and the pre-flip check")
class ShippedConfigsCheckTest {

  private static final String BROKER = "127.0.0.1:9092";
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    Blocking.await(vertx.close());
  }

  private static Settings read(String path) {
    return Blocking.await(ConfigLoader.read(vertx, path));
  }

  private static List<Finding> errors(Settings settings) {
    Settings withBroker = VariantSettings.onKafka(settings) && settings.getString("kafka.bootstrap.servers", "")
        .isBlank() ? settings.with("kafka.bootstrap.servers", BROKER) : settings;
    NodeConfig config = NodeConfig.from(withBroker);
    return ConfigCheck.of(config.application(), config.platform()).stream().filter(Finding::isError).toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"config/switchboard.yaml", "config/demo.yaml", "config/split/checkout.yaml",
      "config/split/payment.yaml"})
  @DisplayName("every configuration file has no error")
  void configurationFiles(String path) {
    assertThat(errors(read(path))).as(path).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"all-rpc", "all-event", "all-kafka", "hybrid"})
  @DisplayName("every variant laid over the default configuration has no error")
  void variants(String variant) {
    Settings settings = read("config/switchboard.yaml").with(read("config/variants/" + variant + ".yaml"));

    assertThat(errors(settings)).as(variant).isEmpty();
  }

  static Stream<Arguments> experimentVariants() {
    List<Arguments> variants = new ArrayList<>();
    for (String name : ExperimentCatalog.SHIPPED) {
      ExperimentSpec spec = Experiment.read(name);
      for (VariantSpec variant : spec.variants()) {
        variants.add(Arguments.of(name, variant));
      }
    }
    return variants.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("experimentVariants")
  @DisplayName("every experiment variant has no error but the deduplication it switches off on purpose")
  void experimentVariant(String experiment, VariantSpec variant) {
    ExperimentSpec spec = Experiment.read(experiment);
    Settings settings = VariantSettings.base(vertx, read("config/switchboard.yaml"))
        .with(spec.settings()).with(spec.quick().set())
        .with(VariantSettings.variantFile(vertx, variant.from())).with(variant.set());

    List<Finding> errors = errors(settings);

    assertThat(errors).as("%s: %s", experiment, variant.name()).allSatisfy(error -> {
      assertThat(error.key()).endsWith(".faults.dedup");
      assertThat(variant.set()).containsEntry(error.key(), "false");
    });
    long drills = variant.set().entrySet().stream()
        .filter(entry -> entry.getKey().endsWith(".faults.dedup") && entry.getValue().equals("false")).count();
    assertThat(errors).as("one error per deduplication switched off").hasSize((int) drills);
  }
}
