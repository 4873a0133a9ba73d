package dev.switchboard.bench;

import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.LoadSession;
import dev.switchboard.experiment.OnDemandBroker;
import dev.switchboard.experiment.VariantSettings;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.store.StoreActivity;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.node.Blocking.await;

/**
 * A freshly started embedded node of one variant on a fresh store of one kind, and the load
 * generator's connections to its gRPC edge from the client's own Vert.x instance in the same JVM (as
 * the demo runs), primed with a few orders. Stock is set far beyond what any run orders, so that no
 * order is rejected for stock: every order takes the full checkout path.
 */
final class CheckoutNode implements AutoCloseable {

  /** Units of each SKU the load orders: more than any run can sell. */
  static final long STOCK = 1_000_000_000L;
  /** Connections for PlaceOrder (and as many for following PENDING orders), as {@code switchboard load}. */
  static final int CLIENTS = LoadOptions.DEFAULT_CLIENTS;
  /** The orders a fresh node gets before it is measured: this many in one second. */
  static final int PRIME_RATE = 10;
  static final int PRIME_GRACE_SECONDS = 60;

  private final SwitchboardNode node;
  private final LoadSession session;
  private final List<ProcessHandle> servers;

  private CheckoutNode(SwitchboardNode node, LoadSession session, List<ProcessHandle> servers) {
    this.node = node;
    this.session = session;
    this.servers = servers;
  }

  /**
   * The processes the node's work runs in besides this JVM that are not its descendants (a PostgreSQL
   * server); the local Kafka broker is a child of this JVM.
   */
  List<ProcessHandle> servers() {
    return servers;
  }

  /**
   * Starts the node and opens (and probes) the connections to it; blocking.
   *
   * @param base the settings every variant starts from ({@link VariantSettings#base})
   */
  static CheckoutNode start(Vertx client, Settings base, String variant, CheckoutStore store, StoreProvider stores,
                            OnDemandBroker broker) {
    Map<String, String> overrides = new LinkedHashMap<>(stores.fresh(store));
    LoadOptions.DEFAULT_SKUS.forEach(sku -> overrides.put("inventory.stock." + sku, Long.toString(STOCK)));
    overrides.put("shutdown.graceMs", "0");
    overrides.put("shutdown.drainMs", "1000");
    Settings settings = VariantSettings.of(base, Settings.empty(), VariantSettings.variantFile(client, variant),
        overrides, "bench-" + variant + "-" + store.option(), broker);
    SwitchboardNode node = SwitchboardNode.startAndAwait(settings);
    LoadSession session = LoadSession.connect(client, List.of(new LoadOptions.Target("127.0.0.1", node.grpcPort())),
        CLIENTS);
    try {
      List<String> problems = await(session.probe());
      if (!problems.isEmpty()) {
        throw new IllegalStateException(String.join("; ", problems));
      }
      prime(session);
    } catch (RuntimeException e) {
      await(session.close().transform(closed -> node.close()));
      throw e;
    }
    return new CheckoutNode(node, session, stores.servers());
  }

  /**
   * A few orders through the whole checkout, each followed to its end, before anything is measured:
   * a node is ready when its gRPC edge answers, but a variant on Kafka takes its first orders only once
   * its consumers have joined their groups, seconds later, which would count against the first step.
   */
  private static void prime(LoadSession session) {
    LoadOptions options = new LoadOptions(List.of(), PRIME_RATE, 1, 0, PRIME_GRACE_SECONDS, CLIENTS,
        LoadOptions.DEFAULT_SKUS, false, PRIME_RATE, null);
    LoadResult primed = await(session.run(PRIME_RATE, options, LoadSession.runId() + "-prime", "prime ", line -> { }));
    if (primed.total().ended() == 0) {
      throw new IllegalStateException("the node ended none of its first " + primed.total().sent() + " orders within "
          + PRIME_GRACE_SECONDS + " s");
    }
  }

  LoadSession load() {
    return session;
  }

  /** The node's meters. */
  MeterRegistry registry() {
    return node.switchboard().metrics().registry();
  }

  /** What the node's store has done since it opened. */
  StoreActivity storeActivity() {
    return node.switchboard().store().activity();
  }

  /** How long {@link #close} lets the node finish what it is doing before it closes it anyway. */
  static final long CLOSE_DRAIN_MS = 10_000;

  /**
   * Waits until no order is PENDING in the node's store and no operation is being handled (a run that
   * fell behind leaves a backlog the next run must not inherit, and an order is terminal before its
   * shipping and notifications are done); false when work is left after {@code timeoutMs}.
   */
  boolean drain(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (await(node.checkout().orders().pendingCount()) > 0
        || node.switchboard().metrics().inFlightByOperation().values().stream().anyMatch(count -> count > 0)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  /** Closes the node once it has finished its work (or {@value #CLOSE_DRAIN_MS} ms have passed), then the connections. */
  @Override
  public void close() {
    try {
      drain(CLOSE_DRAIN_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    await(session.close().transform(closed -> node.close()));
  }
}
