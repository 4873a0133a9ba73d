package dev.switchboard.bench;

import dev.switchboard.node.SwitchboardNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code invoke}: {@code switchboard.invoke} of an rpc operation on the local transport against a raw
 * Vert.x event-bus request/reply to the same handler, in one Vert.x instance: the same request message
 * and reply, protobuf bytes both ways, the same number of calls in flight from one closed loop each,
 * rounds taken in turn after a warm-up. What is left is the platform's invoke path: the call context,
 * message ids, the operation's settings, policy and breaker checks, metrics on both ends, faults checks,
 * the hop back to the caller's context.
 * <p>
 * Where the callers run is fixed, because it decides the figures more than anything either side does:
 * the headline has the callers on an event loop of their own, the handlers on another, as a service
 * calling another service's verticle does (every call crosses threads twice); a second comparison puts
 * the callers on the handlers' event loop, where no call leaves its thread and what is measured is the
 * work of each side's path alone. (Left to chance, the callers' context lands on either; on two cores the
 * same code then measured 4.4 µs of CPU per call in one run and 11 in the next.)
 */
final class InvokeSuite implements BenchSuite {

  /** The bench's own operation: declared and served as any application's, through the public API. */
  static final Operation<StringValue, StringValue> ECHO =
      Operation.of("bench.echo", StringValue.parser(), StringValue.parser());
  /** Where the raw baseline's consumer listens. */
  static final String RAW_ADDRESS = "bench.raw.echo";
  /** A request of a typical small command's size. */
  static final StringValue REQUEST = StringValue.of("order-7f3c2a9e-5b1d-4e8a-9c6f-0d2b4a8e1f37/charge 4200 EUR");
  private static final int OUTSTANDING = 32;
  private static final String SWITCHBOARD = "switchboard.invoke";
  private static final String RAW = "raw event bus";

  @Override
  public String name() {
    return "invoke";
  }

  @Override
  public String description() {
    return "switchboard.invoke (rpc, local transport) vs a raw event-bus request/reply to the same handler";
  }

  /** The handler both sides call: the work of a trivial operation, so that the paths around it are compared. */
  static Future<StringValue> handle(StringValue request) {
    return Future.succeededFuture(request);
  }

  @Override
  public SuiteResult run(BenchContext context) {
    String machine = MachineLoad.now();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.vertx(SwitchboardNode.vertxOptions());
    Switchboard switchboard = null;
    try {
      OperationCatalog catalog = new OperationCatalog(List.of(ECHO));
      switchboard = Blocking.await(Switchboard.create(vertx, catalog,
          PlatformConfig.from(Settings.of(Map.of("store.path", "")), catalog.names()),
          new SwitchboardMetrics(registry)));
      Servers servers = new Servers(switchboard);
      Blocking.await(vertx.deployVerticle(servers));
      EventLoop handlers = servers.eventLoop();
      // the callers' contexts, the same for both sides: on an event loop of their own, and on the handlers'
      Context apart = contextOn(vertx, loop -> loop != handlers);
      Context together = contextOn(vertx, loop -> loop == handlers);
      return measure(context, sides(vertx, switchboard, apart, context.progress()),
          sides(vertx, switchboard, together, context.progress()), machine);
    } finally {
      if (switchboard != null) {
        Blocking.await(switchboard.close());
      }
      Blocking.await(vertx.close());
    }
  }

  private static SideBySide sides(Vertx vertx, Switchboard switchboard, Context callers, Consumer<String> progress) {
    CallContext caller = CallContext.begin("bench-invoke");
    return new SideBySide(List.of(
        new SideBySide.Side(SWITCHBOARD, new ClosedLoop(callers,
            () -> switchboard.invoke(ECHO, REQUEST, caller).map(invocation -> invocation.reply().orElseThrow()))),
        new SideBySide.Side(RAW, new ClosedLoop(callers, () -> rawCall(vertx)))), progress);
  }

  /** A new event-loop context on the first of the Vert.x instance's event loops that {@code fits}. */
  private static Context contextOn(Vertx vertx, Predicate<EventLoop> fits) {
    VertxInternal internal = (VertxInternal) vertx;
    for (int tries = 0; tries < 64; tries++) {
      ContextInternal candidate = internal.createEventLoopContext();
      if (fits.test(candidate.nettyEventLoop())) {
        return candidate;
      }
    }
    throw new IllegalStateException("no event loop of the Vert.x instance fits the bench's placement");
  }

  private SuiteResult measure(BenchContext context, SideBySide apart, SideBySide together, String machine) {
    long warmupMs = context.pick(3_000L, 500L);
    int rounds = context.pick(5, 2);
    long roundMs = context.pick(2_000L, 500L);
    context.progress().accept("headline: callers and handlers on two event loops, " + OUTSTANDING
        + " calls in flight, " + rounds + " rounds of " + roundMs + " ms per side");
    SideBySide.Outcome headline = apart.run(OUTSTANDING, context.pick(3, 1), warmupMs, rounds, roundMs);
    ClosedLoop.Figures platform = headline.get(SWITCHBOARD);
    ClosedLoop.Figures raw = headline.get(RAW);
    context.progress().accept("callers on the handlers' event loop, " + OUTSTANDING + " calls in flight, " + rounds
        + " rounds of " + roundMs + " ms per side");
    SideBySide.Outcome oneLoop = together.run(OUTSTANDING, context.pick(2, 1), warmupMs, rounds, roundMs);

    List<Integer> levels = context.pick(List.of(1, 4, 16, 64), List.of(4, 32));
    List<Curve.Point> platformRate = new ArrayList<>();
    List<Curve.Point> rawRate = new ArrayList<>();
    List<Curve.Point> platformP99 = new ArrayList<>();
    List<Curve.Point> rawP99 = new ArrayList<>();
    for (int level : levels) {
      SideBySide.Outcome point = apart.run(level, 1, context.pick(500L, 200L), context.pick(2, 1),
          context.pick(1_000L, 300L));
      platformRate.add(new Curve.Point(level, point.get(SWITCHBOARD).callsPerSecond()));
      rawRate.add(new Curve.Point(level, point.get(RAW).callsPerSecond()));
      platformP99.add(new Curve.Point(level, point.get(SWITCHBOARD).p99Ms()));
      rawP99.add(new Curve.Point(level, point.get(RAW).p99Ms()));
    }

    String sbDoes = "invoke bench.echo, rpc, local, " + OUTSTANDING + " in flight";
    String rawDoes = "eventBus.request, same handler, " + OUTSTANDING + " in flight";
    List<Comparison> comparisons = List.of(
        new Comparison(name(), "throughput", "calls/s", sbDoes, platform.callsPerSecond(), rawDoes,
            raw.callsPerSecond(), Comparison.Goal.atLeast(0.95)),
        new Comparison(name(), "round-trip p99", "ms", sbDoes, platform.p99Ms(), rawDoes, raw.p99Ms(), null),
        new Comparison(name(), "round-trip p50", "ms", sbDoes, platform.p50Ms(), rawDoes, raw.p50Ms(), null),
        new Comparison(name(), "throughput, one event loop", "calls/s", sbDoes + ", callers on the handlers' loop",
            oneLoop.get(SWITCHBOARD).callsPerSecond(), rawDoes + ", callers on the handlers' loop",
            oneLoop.get(RAW).callsPerSecond(), null));
    String x = "calls in flight";
    List<Curve> curves = List.of(
        new Curve("invoke-throughput", SWITCHBOARD, x, "calls/s", platformRate),
        new Curve("invoke-throughput", RAW, x, "calls/s", rawRate),
        new Curve("invoke-p99", SWITCHBOARD, x, "p99 ms", platformP99),
        new Curve("invoke-p99", RAW, x, "p99 ms", rawP99));
    List<String> notes = List.of(
        "Machine: " + machine + ".",
        "Both sides in one Vert.x instance: the callers on one event loop (a closed loop of " + OUTSTANDING
            + " calls in flight per side), both handlers deployed in one verticle on another; warm-up rounds of "
            + warmupMs + " ms, then " + rounds + " rounds of " + roundMs + " ms, the sides taken in turn;"
            + " HdrHistogram round trips from the call to its answer on the callers' context.",
        "Throughput ratio in each headline round: " + headline.roundRatios(SWITCHBOARD, RAW)
            + " (their spread is the noise of this machine at the time).",
        "Throughput, one event loop: the same, with the callers on the handlers' event loop, so that no call"
            + " crosses threads: each side's own work per call. Ratio in each round: "
            + oneLoop.roundRatios(SWITCHBOARD, RAW) + ". Two event loops cost both sides the same hand-offs"
            + " between threads (a task queued and the other thread woken, twice per call): the raw request made "
            + String.format(Locale.ROOT, "%,.0f", oneLoop.get(RAW).callsPerSecond()) + " calls/s on one event loop"
            + " and " + String.format(Locale.ROOT, "%,.0f", raw.callsPerSecond()) + " on two.",
        "Same work on both sides: the request (google.protobuf.StringValue, " + REQUEST.getSerializedSize()
            + " bytes) serialized to a Buffer, sent on the event bus, parsed, the same handler (answers its request),"
            + " the reply serialized, sent back and parsed.",
        "switchboard.invoke adds what the platform does for every rpc call: a new message id, the call context"
            + " (correlation id, message id, sent-at: the message is its envelope, which the event bus hands over"
            + " as it is within a JVM), the operation's live settings, its"
            + " concurrency limit and circuit breaker (none configured: the checks only), the faults check, the"
            + " caller's and the handler's Micrometer timers (switchboard.operation.calls/handled, in-flight gauge),"
            + " and the answer handed back on the caller's context. No deduplication: a plain rpc handler is not"
            + " recorded (only transactional handlers and event mode are).",
        "The raw side: eventBus.request to a consumer that parses, calls the handler and replies; no headers, no"
            + " metrics beyond what the Vert.x instance has (none: SwitchboardNode.vertxOptions(), the same for both sides).",
        "Curves: both sides at " + levels + " calls in flight (shorter rounds than the headline).");
    return new SuiteResult(name(), comparisons, curves, notes);
  }

  private static Future<StringValue> rawCall(Vertx vertx) {
    return vertx.eventBus().<Buffer>request(RAW_ADDRESS, Buffer.buffer(REQUEST.toByteArray()))
        .map(reply -> parse(reply.body()));
  }

  private static StringValue parse(Buffer bytes) {
    try {
      return StringValue.parseFrom(bytes.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable bench message: " + e.getMessage(), e);
    }
  }

  /** Both handlers, on one verticle's context: the platform's operation and the raw consumer. */
  private static final class Servers extends VerticleBase {
    private final Switchboard switchboard;

    Servers(Switchboard switchboard) {
      this.switchboard = switchboard;
    }

    /** The event loop the handlers run on. */
    EventLoop eventLoop() {
      return ((ContextInternal) context).nettyEventLoop();
    }

    @Override
    public Future<?> start() {
      return switchboard.serve(ECHO, (request, context) -> handle(request))
          .compose(serving -> vertx.eventBus().<Buffer>consumer(RAW_ADDRESS, this::answer).completion());
    }

    private void answer(Message<Buffer> message) {
      handle(parse(message.body())).onComplete(outcome -> {
        if (outcome.succeeded()) {
          message.reply(Buffer.buffer(outcome.result().toByteArray()));
        } else {
          message.fail(500, outcome.cause().getMessage());
        }
      });
    }
  }
}
