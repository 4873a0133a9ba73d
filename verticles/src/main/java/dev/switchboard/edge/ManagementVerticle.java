package dev.switchboard.edge;

import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.policy.CircuitBreakers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The management port. Open to read: {@code GET /metrics} (Prometheus), {@code GET /health} (the
 * process is up), {@code GET /ready} (every service and edge is deployed and taking work),
 * {@code GET /operations} (each operation's effective mode, transport, deadline, policies and faults,
 * its breakers' states, its in-flight count and its call and handler counts and latencies). Changing
 * state takes the bearer token {@code management.token}: {@code PUT /operations/{name}/faults} sets
 * the operation's fault knobs, {@code PUT /operations/{name}/breaker} forces its breakers open or
 * closed. Without a configured token those answer 403; every change is one audit log line and a count
 * of {@code switchboard.management.changes}. Errors have one shape: {@code {"error": "..."}}, with
 * {@code field}, {@code value} and {@code allowed} for a bad body.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ManagementVerticle.class);
  private static final String BEARER = "Bearer ";
  private static final int MAX_BODY_BYTES = 16 * 1024;

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
    router.get("/operations").handler(this::operations);
    router.put("/operations/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.put("/operations/*").handler(this::authorize);
    router.put("/operations/:name/faults").handler(this::putFaults);
    router.put("/operations/:name/breaker").handler(this::putBreaker);
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(config.httpPort(), config.httpHost()).onSuccess(listening ->
        LOGGER.info("management listening on http://{}:{} (/metrics /health /ready /operations; changes {})",
            config.httpHost(), listening.actualPort(),
            config.managementEnabled() ? "with the management token" : "disabled: management.token not set"));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  // ---------------------------------------------------------------- reading

  private void operations(RoutingContext ctx) {
    Map<String, Integer> inFlight = switchboard.metrics().inFlightByOperation();
    MeterRegistry meters = switchboard.metrics().registry();
    JsonArray operations = new JsonArray();
    for (OperationSettings settings : switchboard.config().operations().values()) {
      String name = settings.operation();
      operations.add(new JsonObject()
          .put("operation", name)
          .put("mode", settings.mode().spelling())
          .put("transport", settings.transport().spelling())
          .put("timeoutMs", settings.timeoutMs())
          .put("faults", faults(switchboard.faults().get(name)))
          .put("policy", new JsonObject().put("idempotent", settings.policy().idempotent())
              .put("retries", settings.retries()).put("retryBackoffMs", settings.retryBackoffMs())
              .put("breaker", new JsonObject().put("failures", settings.policy().breakerFailures())
                  .put("windowMs", settings.policy().breakerWindowMs())
                  .put("resetMs", settings.policy().breakerResetMs()))
              .put("maxConcurrent", settings.policy().maxConcurrent())
              .put("maxQueued", settings.policy().maxQueued()))
          .put("breakers", breakers(name, settings))
          .put("inFlight", inFlight.getOrDefault(name, 0))
          .put("calls", timers(meters, SwitchboardMetrics.CALLS, name))
          .put("handled", timers(meters, SwitchboardMetrics.HANDLED, name)));
    }
    ctx.json(operations);
  }

  private static JsonObject faults(FaultSettings faults) {
    return new JsonObject().put("latencyMs", faults.latencyMs())
        .put("errorRate", faults.errorRate()).put("down", faults.down())
        .put("capacityPerSecond", faults.capacityPerSecond()).put("duplicateRate", faults.duplicateRate())
        .put("dedup", faults.dedup());
  }

  /** The state of each of the operation's breakers by target ({@code closed}, {@code half_open}, {@code open}). */
  private JsonObject breakers(String operation, OperationSettings settings) {
    JsonObject states = new JsonObject();
    for (String target : CircuitBreakers.targets(settings)) {
      states.put(target, spelling(switchboard.breakers().state(operation, target)));
    }
    return states;
  }

  private static String spelling(CircuitBreakerState state) {
    return state.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The operation's timers of {@code name} summed over mode, transport and outcome: the count and
   * mean since start, the registry's recent maximum (a decaying window), and the count by outcome.
   */
  private static JsonObject timers(MeterRegistry meters, String name, String operation) {
    long count = 0;
    double totalMs = 0;
    double maxMs = 0;
    Map<String, Long> outcomes = new TreeMap<>();
    for (Timer timer : meters.find(name).tag("operation", operation).timers()) {
      long timerCount = timer.count();
      count += timerCount;
      totalMs += timer.totalTime(TimeUnit.MILLISECONDS);
      maxMs = Math.max(maxMs, timer.max(TimeUnit.MILLISECONDS));
      outcomes.merge(String.valueOf(timer.getId().getTag("outcome")), timerCount, Long::sum);
    }
    JsonObject byOutcome = new JsonObject();
    outcomes.forEach(byOutcome::put);
    return new JsonObject().put("count", count).put("meanMs", count == 0 ? 0.0 : totalMs / count)
        .put("maxMs", maxMs).put("outcomes", byOutcome);
  }

  // ---------------------------------------------------------------- changing

  /** Lets a state-changing request through only with the configured bearer token, compared in constant time. */
  private void authorize(RoutingContext ctx) {
    if (!config.managementEnabled()) {
      error(ctx, 403, "state-changing endpoints are disabled: set " + EdgeConfig.MANAGEMENT_TOKEN
          + " (at least 16 printable characters) and send it as Authorization: Bearer <token>");
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "missing Authorization: Bearer <" + EdgeConfig.MANAGEMENT_TOKEN + ">");
      return;
    }
    byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    byte[] expected = config.managementToken().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      LOGGER.warn("management: refused a change from {}: wrong token", ctx.request().remoteAddress());
      error(ctx, 403, "wrong token");
      return;
    }
    ctx.next();
  }

  private void putFaults(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!known(ctx, name)) {
      return;
    }
    FaultSettings after;
    try {
      after = FaultsBody.parse(ctx.body().buffer());
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    }
    FaultSettings before = switchboard.faults().get(name);
    switchboard.faults().set(name, after);
    audit(ctx, "faults", name, before, after);
    ctx.json(new JsonObject().put("operation", name).put("faults", faults(switchboard.faults().get(name))));
  }

  private void putBreaker(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!known(ctx, name)) {
      return;
    }
    boolean open;
    try {
      JsonObject body = FaultsBody.object(ctx.body().buffer(), "{\"state\": \"open\" or \"closed\"}");
      for (String field : body.fieldNames()) {
        if (!field.equals("state")) {
          throw new BadRequest(field, body.getValue(field), "the only field is state");
        }
      }
      Object state = body.getValue("state");
      if (!"open".equals(state) && !"closed".equals(state)) {
        throw new BadRequest("state", state, "\"open\" or \"closed\"");
      }
      open = state.equals("open");
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    }
    OperationSettings settings = switchboard.config().operation(name);
    if (!settings.policy().breaker()) {
      error(ctx, 409, name + " has no circuit breaker: set operations." + name
          + ".breaker.failures to give it one");
      return;
    }
    Map<String, CircuitBreakerState> before = switchboard.breakers().force(name, open);
    JsonObject after = breakers(name, settings);
    Map<String, String> beforeShown = new LinkedHashMap<>();
    before.forEach((target, state) -> beforeShown.put(target, spelling(state)));
    audit(ctx, "breaker", name, beforeShown, after.getMap());
    ctx.json(new JsonObject().put("operation", name).put("breakers", after));
  }

  private boolean known(RoutingContext ctx, String name) {
    if (switchboard.config().operations().containsKey(name)) {
      return true;
    }
    error(ctx, 404, "no operation " + LogSafe.quote(name) + "; operations are "
        + new java.util.TreeSet<>(switchboard.config().operations().keySet()));
    return false;
  }

  private void audit(RoutingContext ctx, String action, String operation, Object before, Object after) {
    switchboard.metrics().recordManagementChange(action);
    LOGGER.info("management change by token from {}: {} of {}: {} -> {}", ctx.request().remoteAddress(), action,
        operation, before, after);
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", message));
  }

  /** A bad request body: names the field, the value given and what is allowed. */
  static final class BadRequest extends RuntimeException {
    private final String field;
    private final Object value;
    private final String allowed;

    BadRequest(String field, Object value, String allowed) {
      super(field + ": " + shown(value) + " is not allowed; allowed: " + allowed, null, false, false);
      this.field = field;
      this.value = value;
      this.allowed = allowed;
    }

    private static String shown(Object value) {
      return value instanceof String text ? LogSafe.quote(text) : String.valueOf(value);
    }

    void answer(RoutingContext ctx) {
      ctx.response().setStatusCode(400);
      ctx.json(new JsonObject().put("error", getMessage()).put("field", field).put("value", value)
          .put("allowed", allowed));
    }
  }

  /**
   * The body of {@code PUT /operations/{name}/faults}: the operation's fault knobs, each optional; a
   * knob left out is off (its default), so {@code {}} clears every fault.
   */
  static final class FaultsBody {

    private static final Map<String, String> ALLOWED = new LinkedHashMap<>();

    static {
      ALLOWED.put("latencyMs", "an integer from 0 to 600000 (milliseconds added before the handler runs)");
      ALLOWED.put("errorRate", "a number from 0 to 1 (share of calls failing with INTERNAL)");
      ALLOWED.put("down", "true or false (every call fails with UNAVAILABLE)");
      ALLOWED.put("capacityPerSecond", "an integer from 0 to " + FaultSettings.MAX_CAPACITY_PER_SECOND
          + " (handler starts per second; 0: unlimited)");
      ALLOWED.put("duplicateRate", "a number from 0 to 1 (share of messages delivered twice)");
      ALLOWED.put("dedup", "true or false (whether the consumer deduplicates by message id)");
    }

    private FaultsBody() {
    }

    static FaultSettings parse(Buffer buffer) {
      JsonObject body = object(buffer, "a JSON object with any of " + ALLOWED.keySet());
      FaultSettings faults = FaultSettings.NONE;
      for (String field : body.fieldNames()) {
        Object value = body.getValue(field);
        String allowed = ALLOWED.get(field);
        if (allowed == null) {
          throw new BadRequest(field, value, "no such field; the fields are " + ALLOWED.keySet());
        }
        faults = switch (field) {
          case "latencyMs" -> faults.withLatencyMs(integer(field, value, 600_000));
          case "errorRate" -> faults.withErrorRate(share(field, value));
          case "down" -> faults.withDown(bool(field, value));
          case "capacityPerSecond" ->
              faults.withCapacityPerSecond((int) integer(field, value, FaultSettings.MAX_CAPACITY_PER_SECOND));
          case "duplicateRate" -> faults.withDuplicateRate(share(field, value));
          case "dedup" -> faults.withDedup(bool(field, value));
          default -> throw new IllegalStateException(field);
        };
      }
      return faults;
    }

    /** The body as a JSON object, or a 400 saying what is expected. */
    static JsonObject object(Buffer buffer, String expected) {
      if (buffer == null || buffer.length() == 0) {
        throw new BadRequest("body", "", expected);
      }
      try {
        return new JsonObject(buffer);
      } catch (DecodeException | ClassCastException notAnObject) {
        String text = buffer.toString(StandardCharsets.UTF_8);
        throw new BadRequest("body", text.length() > LogSafe.MAX_LENGTH ? text.substring(0, LogSafe.MAX_LENGTH) + "…"
            : text, expected + " (not a JSON object)");
      }
    }

    private static long integer(String field, Object value, long max) {
      boolean integral = value instanceof Integer || value instanceof Long || value instanceof Short
          || value instanceof Byte || value instanceof BigInteger;
      if (!integral || ((Number) value).doubleValue() < 0 || ((Number) value).doubleValue() > max) {
        throw new BadRequest(field, value, ALLOWED.get(field));
      }
      return ((Number) value).longValue();
    }

    private static double share(String field, Object value) {
      double share = value instanceof Number number ? number.doubleValue() : Double.NaN;
      if (!(share >= 0 && share <= 1)) {
        throw new BadRequest(field, value, ALLOWED.get(field));
      }
      return share;
    }

    private static boolean bool(String field, Object value) {
      if (!(value instanceof Boolean flag)) {
        throw new BadRequest(field, value, ALLOWED.get(field));
      }
      return flag;
    }
  }
}
