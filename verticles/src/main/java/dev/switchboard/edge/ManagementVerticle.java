package dev.switchboard.edge;

import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.OperationSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The management port: {@code GET /metrics} (Prometheus), {@code GET /health} (the process is up),
 * {@code GET /ready} (every service and edge is deployed and taking work), {@code GET /operations}
 * (each operation's effective mode, transport, deadline and faults).
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ManagementVerticle.class);

  private final EdgeConfig config;
  private final PrometheusMeterRegistry registry;
  private final Switchboard switchboard;
  private final BooleanSupplier ready;
  private HttpServer server;

  public ManagementVerticle(EdgeConfig config, PrometheusMeterRegistry registry, Switchboard switchboard,
                            BooleanSupplier ready) {
    this.config = config;
    this.registry = registry;
    this.switchboard = switchboard;
    this.ready = ready;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      ctx.response().setStatusCode(isReady ? 200 : 503);
      ctx.json(new JsonObject().put("status", isReady ? "READY" : "NOT_READY"));
    });
    router.get("/operations").handler(ctx -> {
      JsonArray operations = new JsonArray();
      for (OperationSettings settings : switchboard.config().operations().values()) {
        var faults = switchboard.faults().get(settings.operation());
        operations.add(new JsonObject()
            .put("operation", settings.operation())
            .put("mode", settings.mode().spelling())
            .put("transport", settings.transport().spelling())
            .put("timeoutMs", settings.timeoutMs())
            .put("faults", new JsonObject().put("latencyMs", faults.latencyMs())
                .put("errorRate", faults.errorRate()).put("down", faults.down())
                .put("capacityPerSecond", faults.capacityPerSecond()).put("duplicateRate", faults.duplicateRate())
                .put("dedup", faults.dedup()))
            .put("policy", new JsonObject().put("idempotent", settings.policy().idempotent())
                .put("retries", settings.retries()).put("retryBackoffMs", settings.retryBackoffMs())
                .put("breaker", new JsonObject().put("failures", settings.policy().breakerFailures())
                    .put("windowMs", settings.policy().breakerWindowMs())
                    .put("resetMs", settings.policy().breakerResetMs()))
                .put("maxConcurrent", settings.policy().maxConcurrent())
                .put("maxQueued", settings.policy().maxQueued())));
      }
      ctx.json(operations);
    });
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(config.httpPort(), config.httpHost()).onSuccess(listening ->
        LOGGER.info("management listening on http://{}:{} (/metrics /health /ready /operations)", config.httpHost(),
            listening.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
