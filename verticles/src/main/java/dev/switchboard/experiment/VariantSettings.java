package dev.switchboard.experiment;

import dev.switchboard.edge.EdgeConfig;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.Map;

import static dev.switchboard.node.Blocking.await;

/**
 * The settings a variant's node starts with, laid in this order, the later winning: the
 * configuration file, {@code config/demo.yaml} (free ports, an in-memory store), what the run
 * adds (an experiment's workload and settings), the variant ({@code config/variants/<name>.yaml}
 * and its inline settings), and the user's overrides. Given a {@code store.path}, each run gets a
 * fresh durable store in a directory of its own under it; a variant on Kafka gets topics of its
 * own and, without {@code kafka.bootstrap.servers}, the local broker; without a
 * {@code management.token}, each run gets a random one (the runner flips modes through the
 * management API with it; it is never shown).
 */
public final class VariantSettings {

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private VariantSettings() {
  }

  /** The file and the demo's overlay: what every variant starts from, and what its settings are shown against. */
  public static Settings base(Vertx vertx, Settings file) {
    return file.with(await(ConfigLoader.read(vertx, "config/demo.yaml")));
  }

  /** The variant file {@code config/variants/<name>.yaml}, or nothing for null. */
  public static Settings variantFile(Vertx vertx, String name) {
    return name == null ? Settings.empty() : await(ConfigLoader.read(vertx, "config/variants/" + name + ".yaml"));
  }

  /** Whether {@code config/variants/<name>.yaml} exists, in the working directory or the jar. */
  public static boolean variantExists(String name) {
    String path = "config/variants/" + name + ".yaml";
    return java.nio.file.Files.isRegularFile(Path.of(path))
        || VariantSettings.class.getClassLoader().getResource(path) != null;
  }

  /** The layers laid over {@code base}; a fresh store and Kafka topics for this run. */
  public static Settings of(Settings base, Settings run, Settings variant, Map<String, String> overrides, String runName,
                     OnDemandBroker broker) {
    Settings settings = base.with(run).with(variant).with(overrides);
    if (settings.getString(EdgeConfig.MANAGEMENT_TOKEN, "").isBlank()) {
      settings = settings.with(EdgeConfig.MANAGEMENT_TOKEN, randomToken());
    }
    String storePath = settings.getString("store.path", "").trim();
    if (!storePath.isEmpty()) {
      settings = settings.with("store.path", Path.of(storePath, runName + "-" + System.nanoTime()).toString());
    }
    if (!onKafka(settings)) {
      return settings;
    }
    if (!settings.has("topics.prefix")) {
      settings = settings.with("topics.prefix", "xp-" + runName + "-" + System.nanoTime());
    }
    if (settings.getString("kafka.bootstrap.servers", "").isBlank()) {
      settings = settings.with("kafka.bootstrap.servers", broker.bootstrapServers());
    }
    return settings;
  }

  /** 24 random bytes, URL-safe base64: 32 characters. */
  private static String randomToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether any operation of these settings goes over Kafka (then a broker is needed). */
  public static boolean onKafka(Settings settings) {
    return settings.asMap().entrySet().stream().anyMatch(entry ->
        (entry.getKey().equals("defaults.transport") || entry.getKey().endsWith(".transport"))
            && entry.getValue().trim().equalsIgnoreCase("kafka"));
  }
}
