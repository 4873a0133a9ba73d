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
    Vertx client = Vertx.vertx(dev.switchboard.node.SwitchboardNode.vertxOptions());
    try (OnDemandBroker broker = new OnDemandBroker()) {
      return run(client, file, overrides, options, broker);
    } finally {
      client.close();
    }
  }

  private static int run(Vertx client, Settings file, Map<String, String> overrides, Options options,
                         OnDemandBroker broker) {
    Settings base = VariantSettings.base(client, file);
    Workload workload = Workload.checkout(options.orders(), options.rate(), options.seed());
    List<String> variants = Arrays.stream(options.variants().split(",")).map(String::trim)
        .filter(name -> !name.isEmpty()).toList();
    System.out.printf("Switchboard demo: %d orders at %d/s through %s%n%n", options.orders(), options.rate(),
        String.join(", ", variants));
    for (String variant : variants) {
      broker.checkFor(base.with(VariantSettings.variantFile(client, variant)).with(overrides));
    }
    if (options.warmup() > 0) {
      System.out.printf("warming up the JVM with %d orders per variant (not measured)...%n", options.warmup());
      Workload warmup = Workload.checkout(options.warmup(), options.rate() * 2, options.seed() + 1);
      for (String variant : variants) {
        SwitchboardNode node = SwitchboardNode.startAndAwait(
            VariantSettings.of(base, Settings.empty(), VariantSettings.variantFile(client, variant), overrides, variant,
                broker));
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
      Settings settings = VariantSettings.of(base, Settings.empty(), VariantSettings.variantFile(client, variant), overrides, variant,
                broker);
      System.out.printf("== %s: %s%n", variant, VariantSettings.variantFile(client, variant).asMap());
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

}
