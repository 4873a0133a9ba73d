package dev.switchboard.bench;

import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.LoadSession;
import dev.switchboard.experiment.OnDemandBroker;
import dev.switchboard.experiment.VariantSettings;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

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
  /** How long the warm-up's node may take to finish its backlog before it is closed anyway. */
  static final long WARMUP_DRAIN_MS = 30_000;

  private final Vertx client;
  private final OnDemandBroker broker = new OnDemandBroker();
  private final StoreProvider stores;
  private final Settings base;

  CheckoutRig(Consumer<String> progress) {
    // an event loop late by seconds on a busy machine shows as the run's send lag: no stack traces
    client = Vertx.vertx(new VertxOptions().setWarningExceptionTime(10).setWarningExceptionTimeUnit(TimeUnit.MINUTES));
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

  /** Whether {@code variant} runs on Kafka (and saturates far lower than on the local transport). */
  boolean onKafka(String variant) {
    return VariantSettings.onKafka(base.with(VariantSettings.variantFile(client, variant)));
  }

  /**
   * Runs {@code variant} for {@code seconds} on a node of its own (H2 in memory) so that the JIT has
   * compiled the checkout's paths before anything is measured; nothing of it is kept.
   */
  void warmUp(String variant, int seconds, Consumer<String> progress) {
    int rate = onKafka(variant) ? WARMUP_RATE_KAFKA : WARMUP_RATE;
    try (CheckoutNode node = start(variant, CheckoutStore.MEMORY)) {
      LoadOptions options = new LoadOptions(List.of(), rate, seconds, 0, 5, CheckoutNode.CLIENTS,
          LoadOptions.DEFAULT_SKUS, false, rate, null);
      LoadResult result = await(node.load().run(rate, options, LoadSession.runId() + "-warmup", "warm-up ",
          line -> { }));
      progress.accept(String.format(Locale.ROOT, "JVM warm-up, %s: %d s at %d/s (%.1f orders/s, not measured)", variant,
          seconds, rate, result.throughput()));
      // a node closed with orders in flight fails them loudly: let it finish what it can first
      node.drain(WARMUP_DRAIN_MS);
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
