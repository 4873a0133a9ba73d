package dev.switchboard.node;

import dev.switchboard.edge.KafkaBridgeVerticle;

import dev.switchboard.edge.management.ManagementVerticle;

import dev.switchboard.edge.GrpcEdgeVerticle;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.node.StartupFailure.Step;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Switchboard process: a Vert.x instance with Prometheus metrics, the platform, the checkout
 * services, the public gRPC edge, the internal listener and the management port. {@code serve}, {@code demo} and the tests all
 * start it the same way.
 */
public final class SwitchboardNode {

  private static final Logger LOGGER = LoggerFactory.getLogger(SwitchboardNode.class);
  /** The tag every metric of a node carries: its {@code instance.id}. */
  public static final String INSTANCE_TAG = "instance";

  private final Vertx vertx;
  private final NodeConfig config;
  private final Switchboard switchboard;
  private final CheckoutApplication checkout;
  private final GrpcEdgeVerticle grpc;
  private final AtomicBoolean ready;
  private final int httpPort;

  private SwitchboardNode(Vertx vertx, NodeConfig config, Switchboard switchboard, CheckoutApplication checkout,
                          GrpcEdgeVerticle grpc, AtomicBoolean ready, int httpPort) {
    this.vertx = vertx;
    this.config = config;
    this.switchboard = switchboard;
    this.checkout = checkout;
    this.grpc = grpc;
    this.ready = ready;
    this.httpPort = httpPort;
  }


  /**
   * A Vert.x instance of {@code eventLoops} event-loop threads ({@link NodeConfig#eventLoops}) whose
   * metrics go to {@code registry}: clustered with the configured members (Hazelcast, TCP/IP join on
   * the listed addresses, no multicast) when {@code cluster.enabled}. A listed member may found the
   * cluster alone; a process that is not listed fails with a {@link StartupFailure} when none of the
   * members answered it.
   */
  public static Future<Vertx> newVertx(PrometheusMeterRegistry registry, ClusterConfig cluster, int eventLoops) {
    if (!cluster.enabled()) {
      return Future.succeededFuture(builder(registry, vertxOptions().setEventLoopPoolSize(eventLoops)).build());
    }
    VertxOptions options = vertxOptions().setEventLoopPoolSize(eventLoops).setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host()).setPort(cluster.eventBusPort()));
    boolean founder = cluster.listsItself();
    LOGGER.info("joining cluster '{}' as {}:{} with members {}{}", cluster.name(), cluster.host(), cluster.port(),
        cluster.members(), founder ? "" : " (not listed itself: a listed member must answer)");
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(cluster));
    // completed outside any context: the failure path closes Vert.x
    Promise<Vertx> joined = Promise.promise();
    builder(registry, options).withClusterManager(manager).buildClustered().onComplete(built -> {
      if (built.failed()) {
        joined.fail(built.cause());
      } else if (founder || manager.getNodes().size() > 1) {
        joined.complete(built.result());
      } else {
        built.result().close().onComplete(closed -> joined.fail(StartupFailure.clusterUnreachable(cluster)));
      }
    });
    return joined.future();
  }

  /**
   * The options every Vert.x instance of Switchboard starts from — nodes, load generators, the bench's
   * baselines alike: Netty's native epoll transport where the machine has it (Linux x86-64; elsewhere
   * Vert.x falls back to the JDK's NIO). On this 2-core machine it cut the CPU per order of an all-rpc
   * checkout by about 9% (four alternating soak pairs at 1,000 orders/s: 1.12 vs 1.23 ms).
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  private static io.vertx.core.VertxBuilder builder(PrometheusMeterRegistry registry, VertxOptions options) {
    return Vertx.builder()
        .with(options.setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName("switchboard-" + UUID.randomUUID())
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Vert.x's default Hazelcast configuration, joined by TCP/IP to the listed members only. */
  private static com.hazelcast.config.Config hazelcast(ClusterConfig cluster) {
    com.hazelcast.config.Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the node leaves the cluster in close()
    config.setProperty("hazelcast.wait.seconds.before.join", "0");   // the members are listed: no need to wait
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false)
        .setPublicAddress(cluster.host() + ":" + cluster.port());
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(cluster.host()));
    var join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  /** Validates the settings, then starts a node on a new Vert.x instance; closes it again if start-up fails. */
  public static Future<SwitchboardNode> start(Settings settings) {
    NodeConfig config;
    try {
      config = NodeConfig.from(settings);
    } catch (RuntimeException invalid) {
      return Future.failedFuture(invalid);
    }
    return start(config);
  }

  /**
   * Starts a node from a plain thread (a command's main thread) and waits for it, at most
   * {@code startup.timeoutMs}. Throws a {@link ConfigException} for a bad value, a
   * {@link StartupFailure} for anything else, both telling in one line what to change.
   */
  public static SwitchboardNode startAndAwait(Settings settings) {
    return startAndAwait(NodeConfig.from(settings));
  }

  /** As {@link #startAndAwait(Settings)}, with the configuration validated already. */
  public static SwitchboardNode startAndAwait(NodeConfig config) {
    return Blocking.await(start(config), config.startupTimeoutMs(), () -> StartupFailure.timedOut(config));
  }

  /**
   * Starts a node on a new Vert.x instance; if start-up fails, closes Vert.x and then fails with a
   * {@link StartupFailure} naming the cause and the key to change.
   */
  public static Future<SwitchboardNode> start(NodeConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // before Vert.x is built: a common tag applies only to meters registered after it
    registry.config().commonTags(INSTANCE_TAG, config.instance());
    // completed outside any context: a failed start closes Vert.x, and a listener bound to one of the
    // event loops it is closing would never run, so the caller would wait for ever
    Promise<SwitchboardNode> started = Promise.promise();
    newVertx(registry, config.cluster(), config.eventLoops()).onComplete(created -> {
      if (created.failed()) {
        started.fail(StartupFailure.of(Step.CLUSTER, created.cause(), config));
        return;
      }
      Vertx vertx = created.result();
      start(vertx, registry, config).onComplete(outcome -> {
        if (outcome.succeeded()) {
          started.complete(outcome.result());
        } else {
          LOGGER.debug("start-up failed; closing Vert.x", outcome.cause());
          vertx.close().onComplete(closed -> started.fail(outcome.cause()));
        }
      });
    });
    return started.future();
  }

  /**
   * Starts a node on {@code vertx}; fails with a {@link StartupFailure} (the platform closed again).
   * {@code registry} should carry the {@value #INSTANCE_TAG} common tag already, as {@link #start(NodeConfig)} sets it.
   */
  public static Future<SwitchboardNode> start(Vertx vertx, PrometheusMeterRegistry registry, NodeConfig config) {
    return Switchboard.createForNode(vertx, new OperationCatalog(config.operations()), config.platform(),
            new SwitchboardMetrics(registry))
        .recover(failure -> Future.failedFuture(StartupFailure.of(Step.PLATFORM, failure, config)))
        .compose(switchboard -> start(vertx, registry, config, switchboard)
            .recover(failure -> switchboard.close().transform(closed -> Future.failedFuture(failure))));
  }

  private static Future<SwitchboardNode> start(Vertx vertx, PrometheusMeterRegistry registry, NodeConfig config,
                                               Switchboard switchboard) {
    AtomicBoolean ready = new AtomicBoolean();
    ManagementVerticle management = new ManagementVerticle(config.edge(), registry, switchboard, config.application(),
        ready::get, new ManagementVerticle.Instance(config.instance(), config.services(), switchboard.store().storeId()));
    return step(Step.MANAGEMENT, config, vertx.deployVerticle(management))
        .compose(managementUp -> step(Step.SERVICES, config,
            CheckoutApplication.deploy(vertx, switchboard, config.checkout(), config.services())))
        // the bridge places orders and mirrors their events: it runs where the orders service does
        .compose(checkout -> !config.bridge().enabled() || !config.runs("orders") ? Future.succeededFuture(checkout)
            : step(Step.BRIDGE, config, vertx.deployVerticle(new KafkaBridgeVerticle(config.bridge(),
                config.platform().kafka(), switchboard, checkout.desk()))).map(checkout))
        // the Kafka consumers started above work once their groups are known to hold no replica with another store
        .compose(checkout -> step(Step.REPLICAS, config, switchboard.checkReplicas()).map(checkout))
        // the other processes' door (the operations served above), then the public one
        .compose(checkout -> step(Step.INTERNAL, config, switchboard.internalServer().listen(ready::get))
            .map(internalPort -> checkout))
        .compose(checkout -> {
          GrpcEdgeVerticle grpc = new GrpcEdgeVerticle(config.edge(), checkout.desk(), config.runs("orders"),
              config.runs("inventory"), ready::get);
          return step(Step.GRPC, config, vertx.deployVerticle(grpc)).map(id -> {
            ready.set(true);
            int internalPort = switchboard.internalServer().actualPort();
            LOGGER.info("switchboard ready: instance {}, gRPC on port {}, management on port {}, {}, default mode {}, "
                    + "services {}, store {}", config.instance(), grpc.actualPort(), management.actualPort(),
                internalPort < 0 ? "internal listener closed" : "internal on port " + internalPort,
                config.platform().defaultMode().spelling(), String.join(",", config.services()),
                switchboard.store().storeId());
            return new SwitchboardNode(vertx, config, switchboard, checkout, grpc, ready, management.actualPort());
          });
        });
  }

  /** {@code work}, its failure told as a {@link StartupFailure} of {@code step}. */
  private static <T> Future<T> step(Step step, NodeConfig config, Future<T> work) {
    return work.recover(failure -> Future.failedFuture(StartupFailure.of(step, failure, config)));
  }

  /**
   * Shuts down gracefully: reports NOT_SERVING (gRPC health, /ready) for {@code shutdown.graceMs}
   * while still serving; stops taking new gRPC calls (public and internal) and lets those in flight finish (up to
   * {@code shutdown.drainMs}); closes the transports (Kafka consumers commit what is done and stop
   * taking work), then the store (work still running fails there and is redelivered to the next
   * run), then Vert.x.
   */
  public Future<Void> close() {
    ready.set(false);
    long grace = config.edge().shutdownGraceMs();
    if (grace > 0) {
      LOGGER.info("shutting down: NOT_SERVING for {} ms, then no new calls", grace);
    }
    Future<Void> graced = grace > 0 ? vertx.timer(grace).mapEmpty() : Future.succeededFuture();
    // completed outside any context: a listener bound to one of the event loops Vert.x is closing
    // would never run
    Promise<Void> closed = Promise.promise();
    long drain = config.edge().shutdownDrainMs();
    graced
        .compose(waited -> Future.join(grpc.shutdown(), switchboard.internalServer().shutdown(drain)))
        .transform(drained -> switchboard.close())
        .onComplete(stopped -> vertx.close().onComplete(closed));
    return closed.future();
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
    return grpc.actualPort();
  }

  /** The internal listener's port, or -1 when it is closed (no {@code internal.token}). */
  public int internalPort() {
    return switchboard.internalServer().actualPort();
  }

  public int httpPort() {
    return httpPort;
  }
}
