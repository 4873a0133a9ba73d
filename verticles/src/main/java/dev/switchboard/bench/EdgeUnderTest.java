package dev.switchboard.bench;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.CheckoutConfig;
import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.edge.EdgeConfig;
import dev.switchboard.edge.GrpcEdgeVerticle;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ClusterConfig;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Map;

/**
 * Switchboard's gRPC edge as a node runs it, with a trivial checkout: a Vert.x instance built as a
 * node builds it (Micrometer metrics, Prometheus registry), the platform on an in-memory store with one
 * operation declared, {@code orders.place}, served through {@link Switchboard#serve} by a handler that
 * answers CONFIRMED at once, the checkout application with none of its services deployed (for its
 * order desk), and {@link GrpcEdgeVerticle} serving OrderService. A PlaceOrder call then does what the
 * edge and the desk do for every order (correlation id, validation, the order's acceptance in the
 * store, OrderPlaced emitted to its subscribers, {@code orders.place} invoked, the reply encoded) and
 * nothing of the checkout saga.
 */
final class EdgeUnderTest implements AutoCloseable {

  private final Vertx vertx;
  private final Switchboard switchboard;
  private final int port;

  private EdgeUnderTest(Vertx vertx, Switchboard switchboard, int port) {
    this.vertx = vertx;
    this.switchboard = switchboard;
    this.port = port;
  }

  static EdgeUnderTest start() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Settings settings = Settings.of(Map.of("store.path", ""));
    Vertx vertx = Blocking.await(SwitchboardNode.newVertx(registry, ClusterConfig.from(settings),
        NodeConfig.eventLoops(settings)));
    Switchboard switchboard = null;
    try {
      OperationCatalog catalog = new OperationCatalog(List.of(CheckoutOperations.ORDERS_PLACE));
      switchboard = Blocking.await(Switchboard.create(vertx, catalog, PlatformConfig.from(settings, catalog.names()),
          new SwitchboardMetrics(registry)));
      Switchboard platform = switchboard;
      CheckoutApplication checkout = Blocking.await(CheckoutApplication.deploy(vertx, switchboard,
          CheckoutConfig.from(settings), List.of()));
      Blocking.await(vertx.deployVerticle(new TrivialCheckout(platform)));
      GrpcEdgeVerticle edge = new GrpcEdgeVerticle(new EdgeConfig("127.0.0.1", 0, "127.0.0.1", 0, 0, 1_000, ""),
          checkout.desk(), true, false, () -> true);
      Blocking.await(vertx.deployVerticle(edge));
      return new EdgeUnderTest(vertx, switchboard, edge.actualPort());
    } catch (RuntimeException failed) {
      if (switchboard != null) {
        Blocking.await(switchboard.close().transform(closed -> Future.succeededFuture()));
      }
      Blocking.await(vertx.close());
      throw failed;
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    Blocking.await(switchboard.close().transform(closed -> vertx.close()));
  }

  /** {@code orders.place} answered at once: the order confirmed, no saga. */
  private static final class TrivialCheckout extends VerticleBase {
    private final Switchboard switchboard;

    TrivialCheckout(Switchboard switchboard) {
      this.switchboard = switchboard;
    }

    @Override
    public Future<?> start() {
      return switchboard.serve(CheckoutOperations.ORDERS_PLACE, (order, context) -> Future.succeededFuture(
          PlaceOrderResponse.newBuilder().setOrderId(order.getOrderId()).setStatus(OrderStatus.ORDER_STATUS_CONFIRMED)
              .build()));
    }
  }
}
