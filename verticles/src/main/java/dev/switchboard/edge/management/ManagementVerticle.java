package dev.switchboard.edge.management;

import dev.switchboard.edge.EdgeConfig;
import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Switchboard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The management port. Open to read: {@code GET /metrics} (Prometheus), {@code GET /health} (the
 * process is up), {@code GET /ready} (every service and edge is deployed and taking work),
 * {@code GET /operations} (each operation's effective mode, transport, deadline, policies and faults,
 * its breakers' states, its in-flight count and its call and handler counts and latencies). Changing
 * state ({@code PUT}, {@code POST}) takes the bearer token {@code management.token}
 * ({@link ManagementAuth}): {@code PUT /operations/{name}/faults} sets the operation's fault knobs,
 * {@code PUT /operations/{name}/breaker} forces its breakers open or closed. {@code GET /deadletters}
 * lists the messages operations gave up on (open) and {@code POST /deadletters/replay} sends them
 * again ({@link DeadLettersApi}). Errors have one shape ({@link ApiError}). {@code GET /} is the
 * operator's web console over that API ({@link ConsoleAssets}). Every answer names the process in the
 * header {@value #INSTANCE_HEADER}; {@code GET /instance} tells its {@code instance.id}, services and store id.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ManagementVerticle.class);
  private static final int MAX_BODY_BYTES = 16 * 1024;
  public static final String INSTANCE_HEADER = "X-Switchboard-Instance";

  /**
   * The process this port belongs to.
   *
   * @param id       its {@code instance.id}
   * @param services the services it runs
   * @param storeId  the id of its store: the same on every replica of one PostgreSQL database
   */
  public record Instance(String id, List<String> services, String storeId) {
  }

  private final EdgeConfig config;
  private final PrometheusMeterRegistry registry;
  private final Switchboard switchboard;
  private final ApplicationModel application;
  private final BooleanSupplier ready;
  private final Instance instance;
  private HttpServer server;

  public ManagementVerticle(EdgeConfig config, PrometheusMeterRegistry registry, Switchboard switchboard,
                            ApplicationModel application, BooleanSupplier ready, Instance instance) {
    this.config = config;
    this.registry = registry;
    this.switchboard = switchboard;
    this.application = application;
    this.ready = ready;
    this.instance = instance;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader(INSTANCE_HEADER, instance.id());
      ctx.next();
    });
    router.get("/instance").handler(ctx -> ctx.json(new JsonObject().put("instance", instance.id())
        .put("services", new JsonArray(instance.services())).put("storeId", instance.storeId())));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      ctx.response().setStatusCode(isReady ? 200 : 503);
      ctx.json(new JsonObject().put("status", isReady ? "READY" : "NOT_READY"));
    });
    ManagementAuth auth = new ManagementAuth(config, switchboard.metrics());
    for (HttpMethod changing : new HttpMethod[] {HttpMethod.PUT, HttpMethod.POST, HttpMethod.DELETE}) {
      router.route().method(changing).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
      router.route().method(changing).handler(auth);
    }
    new OperationsApi(switchboard, application, auth).mount(router);
    new DeadLettersApi(switchboard, auth).mount(router);
    ConsoleAssets.mount(router);
    server = vertx.createHttpServer(serverOptions()).requestHandler(router);
    return server.listen(config.httpPort(), config.httpHost()).onSuccess(listening ->
        LOGGER.info("management listening on http://{}:{} (console at /; /metrics /health /ready /instance "
                + "/operations /deadletters; changes {})",
            config.httpHost(), listening.actualPort(),
            config.managementEnabled() ? "with the management token" : "disabled: management.token not set"));
  }

  /**
   * Plain HTTP/1.1: a request asking to upgrade to cleartext HTTP/2 ({@code Upgrade: h2c}, which
   * java.net.http's client sends by default) is answered in HTTP/1.1 as it is. With Vert.x's default
   * the port took the upgrade, and about one scrape in ten by a fresh JDK 17 client never completed,
   * its request timeout notwithstanding: the port had sent the whole answer, the client waited on.
   * Scrapers (Prometheus), curl and browsers speak HTTP/1.1 here; nothing on this port needs HTTP/2.
   */
  static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
