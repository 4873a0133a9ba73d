package dev.switchboard.experiment;

import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.switchboard.node.Blocking.await;

/**
 * The main job: the same checkout workload through several mode configurations (variants), each on
 * a freshly started embedded node, then a side-by-side table. Settings are laid in this order, the
 * later winning: the configuration file, {@code config/demo.yaml} (the demo's stock and payment
 * limit, free ports, an in-memory store), the variant ({@code config/variants/<name>.yaml}), and the
 * user's overrides. Given a {@code store.path}, each run gets a fresh durable store in a directory
 * of its own under it.
 */
public final class Demo {

  public static final int DEFAULT_ORDERS = 300;
  public static final int DEFAULT_RATE = 150;
  public static final int DEFAULT_SEED = 42;
  public static final String DEFAULT_VARIANTS = "all-rpc,all-event,hybrid,all-kafka";

  /** The demo's command-line options. */
  public record Options(int orders, int rate, int seed, String variants, int warmup) {
  }

  public static final int DEFAULT_WARMUP = 300;

  private Demo() {
  }

  /** Runs the demo; returns 0 when every variant was consistent, 1 otherwise. */
  public static int run(Settings file, Map<String, String> overrides, Options options) {
    Vertx client = Vertx.vertx();
    try (LazyBroker broker = new LazyBroker()) {
      return run(client, file, overrides, options, broker);
    } finally {
      client.close();
    }
  }

  private static int run(Vertx client, Settings file, Map<String, String> overrides, Options options,
                         LazyBroker broker) {
    Settings demo = await(ConfigLoader.read(client, "config/demo.yaml"));
    Workload workload = Workload.checkout(options.orders(), options.rate(), options.seed());
    List<String> variants = Arrays.stream(options.variants().split(",")).map(String::trim)
        .filter(name -> !name.isEmpty()).toList();
    System.out.printf("Switchboard demo: %d orders at %d/s through %s%n%n", options.orders(), options.rate(),
        String.join(", ", variants));
    if (options.warmup() > 0) {
      System.out.printf("warming up the JVM with %d orders per variant (not measured)...%n", options.warmup());
      Workload warmup = Workload.checkout(options.warmup(), options.rate() * 2, options.seed() + 1);
      for (String variant : variants) {
        SwitchboardNode node = SwitchboardNode.startAndAwait(
            variantSettings(client, file, demo, variant, overrides, broker));
        try {
          await(ExperimentRunner.run(client, node, "warm-up " + variant, warmup, line -> { }));
        } finally {
          await(node.close());
        }
      }
      System.out.println();
    }
    List<VariantResult> results = new ArrayList<>();
    for (String variant : variants) {
      Settings settings = variantSettings(client, file, demo, variant, overrides, broker);
      System.out.printf("== %s: %s%n", variant, await(variantOverlay(client, variant)).asMap());
      SwitchboardNode node = SwitchboardNode.startAndAwait(settings);
      try {
        VariantResult result = await(ExperimentRunner.run(client, node, variant, workload, System.out::println));
        System.out.printf("[%s] done: %d confirmed, %d rejected, %d errors in %.1f s%n%n", variant,
            result.confirmed(), result.terminal() - result.confirmed(), result.errors(), result.seconds());
        results.add(result);
      } finally {
        await(node.close());
      }
    }
    ReportTable.print(System.out, results);
    return results.stream().allMatch(VariantResult::consistent) ? 0 : 1;
  }

  private static Future<Settings> variantOverlay(Vertx vertx, String variant) {
    return ConfigLoader.read(vertx, "config/variants/" + variant + ".yaml");
  }

  /**
   * The file, the demo's overlay, the variant and the user's overrides. A variant on Kafka gets topics
   * of its own run and, when no {@code kafka.bootstrap.servers} is given, a local broker started for
   * the demo (once).
   */
  private static Settings variantSettings(Vertx vertx, Settings file, Settings demo, String variant,
                                          Map<String, String> overrides, LazyBroker broker) {
    Settings settings = file.with(demo).with(await(variantOverlay(vertx, variant))).with(overrides);
    String storePath = settings.getString("store.path", "").trim();
    if (!storePath.isEmpty()) {
      // a durable store asked for: every run (warm-up included) gets a fresh one of its own under it
      settings = settings.with("store.path",
          java.nio.file.Path.of(storePath, variant + "-" + System.nanoTime()).toString());
    }
    boolean onKafka = settings.asMap().entrySet().stream().anyMatch(entry ->
        (entry.getKey().equals("defaults.transport") || entry.getKey().endsWith(".transport"))
            && entry.getValue().trim().equalsIgnoreCase("kafka"));
    if (!onKafka) {
      return settings;
    }
    if (!settings.has("topics.prefix")) {
      settings = settings.with("topics.prefix", "demo-" + variant + "-" + System.nanoTime());
    }
    if (settings.getString("kafka.bootstrap.servers", "").isBlank()) {
      settings = settings.with("kafka.bootstrap.servers", broker.bootstrapServers());
    }
    return settings;
  }

  /** A local broker (kafka-dev), started the first time a Kafka variant needs one. */
  private static final class LazyBroker implements AutoCloseable {
    private LocalKafkaProcess process;

    String bootstrapServers() {
      if (process == null) {
        System.out.println("starting a local Kafka broker for the Kafka variants (kafka-dev)...");
        try {
          process = LocalKafkaProcess.start();
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
        System.out.printf("local Kafka broker on %s, ready in %d ms%n", process.bootstrapServers(),
            process.startMillis());
      }
      return process.bootstrapServers();
    }

    @Override
    public void close() {
      if (process != null) {
        process.close();
      }
    }
  }
}
