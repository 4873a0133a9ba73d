package dev.switchboard.experiment;

import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.switchboard.node.Blocking.await;

/**
 * Warms the JVM up before an experiment's first variant: rounds of orders through an all-rpc and an
 * all-event node (both paths of every service), not measured, until the JIT compiler has quieted
 * ({@link JitWatch#quiet} over a round) or the longest warm-up has passed. A fixed number of orders
 * was not enough: on two cores the compiler went on for a minute after it, and the first variant's
 * tail latency and backlog were the compiler's (consistency-lag, all-rpc run first: place p99 0.6–1.2 s
 * where the variants after it had 8–26 ms).
 */
final class JvmWarmUp {

  /** Orders per variant and round, sent at {@value #RATE}/s: a round is about 8 s. */
  static final int ROUND_ORDERS = 2_000;
  static final int RATE = 500;
  /**
   * No round starts after this long, in a full run and in a quick one (the round under way is finished;
   * the compiler may still be busy then: said so).
   */
  static final long MAX_MS = 120_000;
  static final long MAX_MS_QUICK = 30_000;
  private static final List<String> VARIANTS = List.of("all-rpc", "all-event");

  private final Vertx client;
  private final Settings base;
  private final Map<String, String> overrides;
  private final OnDemandBroker broker;
  private final PrintStream console;

  JvmWarmUp(Vertx client, Settings base, Map<String, String> overrides, OnDemandBroker broker, PrintStream console) {
    this.client = client;
    this.base = base;
    this.overrides = overrides;
    this.broker = broker;
    this.console = console;
  }

  /** Runs rounds until the compiler was quiet in one; no round starts after {@code maxMs}. */
  void run(long maxMs) {
    console.printf("warming the JVM up: rounds of %d orders through %s until the JIT compiler is quiet (no round"
        + " starts after %.0f s; not measured)%n", ROUND_ORDERS, String.join(" and ", VARIANTS), maxMs / 1000.0);
    Map<String, String> stock = new LinkedHashMap<>();
    for (String sku : Workload.SKUS) {
      stock.put("inventory.stock." + sku, "1000000000");
    }
    Settings plenty = Settings.of(stock);
    JitWatch jit = new JitWatch();
    long started = System.nanoTime();
    int round = 0;
    boolean quiet;
    do {
      round++;
      long roundStarted = System.nanoTime();
      for (String variant : VARIANTS) {
        Settings settings = VariantSettings.of(base, plenty, VariantSettings.variantFile(client, variant), overrides,
            "jvm-warmup-" + round + "-" + variant, broker);
        SwitchboardNode node = SwitchboardNode.startAndAwait(settings);
        try {
          await(ExperimentRunner.run(client, node, "warm-up " + variant,
              Workload.checkout(ROUND_ORDERS, RATE, 7 + round), line -> { }));
        } finally {
          await(node.close());
        }
      }
      long roundMs = (System.nanoTime() - roundStarted) / 1_000_000;
      long compiledMs = jit.compiledMsSinceLast();
      quiet = jit.measurable() && JitWatch.quiet(compiledMs, roundMs);
      console.printf(Locale.ROOT, "  round %d: %.1f s, the JIT compiled for %d ms of it%s%n", round, roundMs / 1000.0,
          compiledMs, quiet ? ": quiet" : "");
    } while (!quiet && (System.nanoTime() - started) / 1_000_000 < maxMs);
    if (!quiet) {
      console.printf("  the JIT compiler is still busy after %.0f s: the first variant may run slower than the"
          + " others%n", (System.nanoTime() - started) / 1e9);
    }
  }
}
