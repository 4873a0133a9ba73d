package dev.switchboard.bench;

import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.experiment.JitWatch;
import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.LoadSession;
import dev.switchboard.experiment.OnDemandBroker;
import dev.switchboard.experiment.VariantSettings;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.switchboard.node.Blocking.await;

/**
 * What the checkout benchmarks share: the load generator's own Vert.x instance (in the same JVM as the
 * nodes it loads, as the demo runs), the settings every variant starts from (the configuration file,
 * then {@code config/demo.yaml}, as the demo), a local Kafka broker started when a variant on Kafka
 * first needs one, and fresh stores. Closes all of it.
 */
final class CheckoutRig implements AutoCloseable {

  /** The JVM warm-up's rate on the local transport, and on Kafka (which saturates far lower). */
  static final int WARMUP_RATE = 300;
  static final int WARMUP_RATE_KAFKA = 100;
  /** A warm-up runs in rounds of this many seconds, until the JIT compiler is quiet or for the longest warm-up. */
  static final int WARMUP_ROUND_SECONDS = 10;
  static final int WARMUP_MAX_SECONDS = 150;
  /** How long the warm-up's node may take to finish its backlog before it is closed anyway. */
  static final long WARMUP_DRAIN_MS = 30_000;

  private final Vertx client;
  private final OnDemandBroker broker = new OnDemandBroker();
  private final StoreProvider stores;
  private final Settings base;

  CheckoutRig(Consumer<String> progress) {
    // an event loop late by seconds on a busy machine shows as the run's send lag: no stack traces
    client = Vertx.vertx(SwitchboardNode.vertxOptions().setWarningExceptionTime(10).setWarningExceptionTimeUnit(TimeUnit.MINUTES));
    stores = new StoreProvider(progress);
    try {
      base = VariantSettings.base(client, await(ConfigLoader.readFile(client, null)));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A fresh node of {@code variant} on a fresh store of kind {@code store}, connected to the load generator. */
  CheckoutNode start(String variant, CheckoutStore store) {
    return CheckoutNode.start(client, base, variant, store, stores, broker);
  }

  /**
   * Fails at once if {@code variant} needs the local Kafka broker and it could not start
   * ({@link OnDemandBroker#checkFor}): before a run's warm-ups, not when the variant's turn comes.
   */
  void checkBroker(String variant) {
    broker.checkFor(base.with(VariantSettings.variantFile(client, variant)));
  }

  /** Whether {@code variant} runs on Kafka (and saturates far lower than on the local transport). */
  boolean onKafka(String variant) {
    return VariantSettings.onKafka(base.with(VariantSettings.variantFile(client, variant)));
  }

  /**
   * Runs {@code variant} on a node of its own (H2 in memory) in rounds of {@value #WARMUP_ROUND_SECONDS}
   * s until the JIT has compiled the checkout's paths — a round in which the compiler was quiet
   * ({@link JitWatch#quiet}) — or for {@value #WARMUP_MAX_SECONDS} s at most; nothing of it is kept.
   * Completes with what the warm-up did, for the run's notes.
   */
  String warmUp(String variant, Consumer<String> progress) {
    int rate = onKafka(variant) ? WARMUP_RATE_KAFKA : WARMUP_RATE;
    try (CheckoutNode node = start(variant, CheckoutStore.MEMORY)) {
      LoadOptions options = new LoadOptions(List.of(), rate, WARMUP_ROUND_SECONDS, 0, 5, CheckoutNode.CLIENTS,
          LoadOptions.DEFAULT_SKUS, false, rate, null);
      int seconds = 0;
      long compiledMs;
      boolean quiet;
      JitWatch jit = new JitWatch(); // each round's compiling counted from the end of the one before
      do {
        LoadResult result = await(node.load().run(rate, options, LoadSession.runId() + "-warmup", "warm-up ",
            line -> { }));
        seconds += WARMUP_ROUND_SECONDS;
        compiledMs = jit.compiledMsSinceLast();
        quiet = jit.measurable() && JitWatch.quiet(compiledMs, TimeUnit.SECONDS.toMillis(WARMUP_ROUND_SECONDS));
        progress.accept(String.format(Locale.ROOT, "JVM warm-up, %s: %d s at %d/s (%.1f orders/s), the JIT compiled"
            + " for %d ms in the last %d s%s", variant, seconds, rate, result.throughput(), compiledMs,
            WARMUP_ROUND_SECONDS, quiet ? ": quiet" : ""));
      } while (!quiet && seconds < WARMUP_MAX_SECONDS);
      // a node closed with orders in flight fails them loudly: let it finish what it can first
      node.drain(WARMUP_DRAIN_MS);
      return String.format(Locale.ROOT, "%s %d s at %d/s (JIT %s: %d ms compiling in the last %d s)", variant,
          seconds, rate, quiet ? "quiet" : "still busy at the longest warm-up", compiledMs, WARMUP_ROUND_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    try {
      broker.close();
      stores.close();
    } finally {
      await(client.close());
    }
  }
}
