package dev.switchboard.edge.management;

import dev.switchboard.edge.management.ApiError.BadRequest;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.check.ConfigCheck;
import dev.switchboard.platform.check.Finding;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.metrics.Recent;
import dev.switchboard.platform.metrics.RecentMeasures;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.policy.CircuitBreakers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code /operations}: reading every operation's settings, state and measures, and changing an
 * operation at run time (its faults, its breakers).
 */
final class OperationsApi {

  private final Switchboard switchboard;
  private final ApplicationModel application;
  private final ManagementAuth auth;

  OperationsApi(Switchboard switchboard, ApplicationModel application, ManagementAuth auth) {
    this.switchboard = switchboard;
    this.application = application;
    this.auth = auth;
  }

  /** Mounts the reading route; the changing routes go behind the body handler and the token check. */
  void mount(Router router) {
    router.get("/operations").handler(this::operations);
    router.put("/operations/:name/faults").handler(this::putFaults);
    router.put("/operations/:name/breaker").handler(this::putBreaker);
    router.put("/operations/:name/mode").handler(this::putMode);
  }

  // ---------------------------------------------------------------- reading

  private void operations(RoutingContext ctx) {
    Map<String, Integer> inFlight = switchboard.metrics().inFlightByOperation();
    MeterRegistry meters = switchboard.metrics().registry();
    JsonArray operations = new JsonArray();
    for (OperationSettings settings : switchboard.live().all()) {
      String name = settings.operation();
      operations.add(new JsonObject()
          .put("operation", name)
          .put("instance", switchboard.config().instance())
          .put("mode", settings.mode().spelling())
          .put("transport", settings.transport().spelling())
          .put("eventPath", settings.eventTransport().spelling())
          .put("fallback", settings.fallbackToEvent() ? "event" : "none")
          .put("timeoutMs", settings.timeoutMs())
          .put("faults", FaultsBody.json(switchboard.faults().get(name)))
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
          .put("handled", timers(meters, SwitchboardMetrics.HANDLED, name))
          .put("recent", recent(name)));
    }
    ctx.json(operations);
  }

  /**
   * The operation's calls and handling over the last seconds, by mode (both modes always, so that a
   * flip shows as one line falling and the other rising): {@code count}, {@code perSecond},
   * {@code failedPerSecond}, {@code p50Ms}, {@code p99Ms} ({@code null} without outcomes).
   */
  private JsonObject recent(String operation) {
    RecentMeasures recent = switchboard.metrics().recent();
    JsonObject json = new JsonObject().put("windowSeconds", recent.windowSeconds());
    for (RecentMeasures.Kind kind : RecentMeasures.Kind.values()) {
      JsonObject byMode = new JsonObject();
      for (Mode mode : Mode.values()) {
        Recent measured = recent.recent(kind, operation, mode);
        boolean any = measured.count() > 0;
        byMode.put(mode.spelling(), new JsonObject().put("count", measured.count())
            .put("perSecond", rounded(measured.perSecond())).put("failedPerSecond", rounded(measured.failedPerSecond()))
            .put("p50Ms", any ? rounded(measured.p50Ms()) : null).put("p99Ms", any ? rounded(measured.p99Ms()) : null));
      }
      json.put(kind.name().toLowerCase(Locale.ROOT), byMode);
    }
    return json;
  }

  private static double rounded(double value) {
    return Math.round(value * 1_000) / 1_000.0;
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
    return state.name().toLowerCase(Locale.ROOT);
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
    auth.audit(ctx, "faults", name, before, after);
    ctx.json(new JsonObject().put("operation", name).put("faults", FaultsBody.json(switchboard.faults().get(name))));
  }

  private void putBreaker(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!known(ctx, name)) {
      return;
    }
    boolean open;
    try {
      JsonObject body = JsonBody.object(ctx.body().buffer(), "{\"state\": \"open\" or \"closed\"}");
      JsonBody.onlyFields(body, Set.of("state"));
      open = JsonBody.choice("state", body.getValue("state"), Set.of("open", "closed")).equals("open");
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    }
    OperationSettings settings = switchboard.live().get(name);
    if (!settings.policy().breaker()) {
      ApiError.answer(ctx, 409, name + " has no circuit breaker: set operations." + name
          + ".breaker.failures to give it one");
      return;
    }
    Map<String, CircuitBreakerState> before = switchboard.breakers().force(name, open);
    JsonObject after = breakers(name, settings);
    Map<String, String> beforeShown = new LinkedHashMap<>();
    before.forEach((target, state) -> beforeShown.put(target, spelling(state)));
    auth.audit(ctx, "breaker", name, beforeShown, after.getMap());
    ctx.json(new JsonObject().put("operation", name).put("breakers", after));
  }

  /**
   * Flips the operation's mode (and transport) in this process: invocations from now on go the new
   * way; those in flight finish the way they started; every process keeps serving both paths. The
   * pre-flip check runs on the configuration the flip would leave: an error finding refuses the flip
   * (409 with the findings); warnings come back with the answer.
   */
  private void putMode(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!known(ctx, name)) {
      return;
    }
    OperationSettings after;
    try {
      JsonObject body = JsonBody.object(ctx.body().buffer(), "{\"mode\": \"rpc\" or \"event\", \"transport\"?: ...}");
      JsonBody.onlyFields(body, Set.of("mode", "transport"));
      Mode mode = Mode.valueOf(JsonBody.choice("mode", body.getValue("mode"), Set.of("rpc", "event"))
          .toUpperCase(Locale.ROOT));
      Transport transport = body.containsKey("transport") ? Transport.valueOf(JsonBody.choice("transport",
          body.getValue("transport"), Set.of("local", "kafka", "grpc")).toUpperCase(Locale.ROOT)) : null;
      after = switchboard.live().wouldFlip(name, mode, transport);
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    } catch (ConfigException refused) {
      // where the flip would send the operation, nobody listens
      new BadRequest("transport", refused.value(), refused.key() + ": " + refused.allowed()).answer(ctx, 409);
      return;
    }
    PlatformConfig current = switchboard.live().current();
    List<Finding> added = ConfigCheck.errorsAddedByFlip(application, current, after);
    if (!added.isEmpty()) {
      ctx.response().setStatusCode(409);
      ctx.json(new JsonObject().put("error", "the pre-flip check refuses to flip " + name + " to "
              + after.mode().spelling() + "/" + after.transport().spelling() + ": "
              + added.stream().map(Finding::line).collect(java.util.stream.Collectors.joining("; ")))
          .put("findings", json(added)));
      return;
    }
    List<Finding> findings = ConfigCheck.ofFlip(application, current, after);
    OperationSettings before = switchboard.live().flip(after);
    String was = before.mode().spelling() + "/" + before.transport().spelling();
    String now = after.mode().spelling() + "/" + after.transport().spelling();
    auth.audit(ctx, "mode", name, was, now);
    ctx.json(new JsonObject().put("operation", name).put("mode", after.mode().spelling())
        .put("transport", after.transport().spelling()).put("before", new JsonObject()
            .put("mode", before.mode().spelling()).put("transport", before.transport().spelling()))
        .put("findings", json(findings)));
  }

  private static JsonArray json(List<Finding> findings) {
    JsonArray shown = new JsonArray();
    findings.forEach(finding -> shown.add(new JsonObject().put("severity", finding.severity().spelling())
        .put("key", finding.key()).put("message", finding.message())));
    return shown;
  }

  private boolean known(RoutingContext ctx, String name) {
    return ApiError.knownOperation(ctx, switchboard.config().operations().keySet(), "name", name);
  }
}
