package dev.switchboard.edge;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Switchboard process: a Vert.x instance with Prometheus metrics, the platform, the checkout
 * services, the gRPC edge and the management port. {@code serve}, {@code demo} and the tests all
 * start it the same way.
 */
public final class SwitchboardNode {

  private static final Logger LOGGER = LoggerFactory.getLogger(SwitchboardNode.class);

  private final Vertx vertx;
  private final NodeConfig config;
  private final Switchboard switchboard;
  private final CheckoutApplication checkout;
  private final int grpcPort;
  private final int httpPort;

  private SwitchboardNode(Vertx vertx, NodeConfig config, Switchboard switchboard, CheckoutApplication checkout,
                          int grpcPort, int httpPort) {
    this.vertx = vertx;
    this.config = config;
    this.switchboard = switchboard;
    this.checkout = checkout;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /** A Vert.x instance whose metrics go to {@code registry}. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName("switchboard-" + UUID.randomUUID())
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /** Validates the settings, then starts a node on a new Vert.x instance; closes it again if start-up fails. */
  public static Future<SwitchboardNode> start(Settings settings) {
    NodeConfig config;
    try {
      config = NodeConfig.from(settings);
    } catch (RuntimeException invalid) {
      return Future.failedFuture(invalid);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = newVertx(registry);
    return start(vertx, registry, config)
        .recover(failure -> vertx.close().transform(closed -> Future.failedFuture(failure)));
  }

  public static Future<SwitchboardNode> start(Vertx vertx, PrometheusMeterRegistry registry, NodeConfig config) {
    return Switchboard.create(vertx, new OperationCatalog(config.operations()), config.platform(),
            new SwitchboardMetrics(registry))
        .compose(switchboard -> start(vertx, registry, config, switchboard)
            .recover(failure -> switchboard.close().transform(closed -> Future.failedFuture(failure))));
  }

  private static Future<SwitchboardNode> start(Vertx vertx, PrometheusMeterRegistry registry, NodeConfig config,
                                               Switchboard switchboard) {
    AtomicBoolean ready = new AtomicBoolean();
    ManagementVerticle management = new ManagementVerticle(config.edge(), registry, switchboard, ready::get);
    return vertx.deployVerticle(management)
        .compose(managementUp -> CheckoutApplication.deploy(vertx, switchboard, config.checkout()))
        .compose(checkout -> !config.bridge().enabled() ? Future.succeededFuture(checkout)
            : vertx.deployVerticle(new KafkaBridgeVerticle(config.bridge(), config.platform().kafka(), switchboard,
                checkout.desk())).map(checkout))
        .compose(checkout -> {
          GrpcEdgeVerticle grpc = new GrpcEdgeVerticle(config.edge(), checkout.desk(), switchboard);
          return vertx.deployVerticle(grpc).map(id -> {
            ready.set(true);
            LOGGER.info("switchboard ready: gRPC on port {}, management on port {}, default mode {}",
                grpc.actualPort(), management.actualPort(), config.platform().defaultMode().spelling());
            return new SwitchboardNode(vertx, config, switchboard, checkout, grpc.actualPort(),
                management.actualPort());
          });
        });
  }

  /**
   * Closes the transports (Kafka consumers commit what is done and stop taking work), then the
   * store (work still running fails there and is redelivered to the next run), then Vert.x.
   */
  public Future<Void> close() {
    return switchboard.close().transform(closed -> vertx.close());
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeConfig config() {
    return config;
  }

  public Switchboard switchboard() {
    return switchboard;
  }

  public CheckoutApplication checkout() {
    return checkout;
  }

  public int grpcPort() {
    return grpcPort;
  }

  public int httpPort() {
    return httpPort;
  }
}
