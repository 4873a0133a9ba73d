package dev.switchboard.bench;

import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.node.Blocking;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code edge}: PlaceOrder-shaped unary gRPC calls through Switchboard's gRPC edge against a bare Vert.x
 * gRPC server with a trivial handler and against grpc-java's AsyncServer (its own JVM), all three driven
 * by the same load generator ({@link GrpcLoad}: the same connections, calls in flight and request size),
 * rounds taken in turn after a warm-up of each.
 */
final class EdgeSuite implements BenchSuite {

  private static final int CONNECTIONS = 4;
  private static final int OUTSTANDING = 64;
  private static final String EDGE = "switchboard edge";
  private static final String BARE = "bare Vert.x gRPC";
  private static final String ASYNC = "grpc-java AsyncServer";

  @Override
  public String name() {
    return "edge";
  }

  @Override
  public String description() {
    return "PlaceOrder through the gRPC edge vs a bare Vert.x gRPC server and grpc-java's AsyncServer";
  }

  @Override
  public SuiteResult run(BenchContext context) throws Exception {
    String machine = MachineLoad.now();
    Buffer placeOrder = EdgeMessages.placeOrder();
    Buffer simpleRequest = EdgeMessages.simpleRequest(placeOrder.length(),
        EdgeMessages.PLACE_ORDER_RESPONSE.getSerializedSize());
    context.progress().accept("starting grpc-java AsyncServer in its own JVM...");
    try (AsyncServerProcess async = AsyncServerProcess.start(context.out().resolve("edge").resolve("async-server.log"));
         BareGrpcServer bare = BareGrpcServer.start();
         EdgeUnderTest edge = EdgeUnderTest.start()) {
      context.progress().accept("listening: edge on " + edge.port() + ", bare on " + bare.port() + ", AsyncServer on "
          + async.port());
      Vertx clientVertx = Vertx.vertx(SwitchboardNode.vertxOptions());
      try {
        Context loop = clientVertx.getOrCreateContext();
        Map<String, GrpcLoad> loads = new LinkedHashMap<>();
        loads.put(EDGE, new GrpcLoad(clientVertx, CONNECTIONS, edge.port(), EdgeMessages.PLACE_ORDER, placeOrder));
        loads.put(BARE, new GrpcLoad(clientVertx, CONNECTIONS, bare.port(), EdgeMessages.PLACE_ORDER, placeOrder));
        loads.put(ASYNC, new GrpcLoad(clientVertx, CONNECTIONS, async.port(), EdgeMessages.UNARY_CALL, simpleRequest));
        List<SideBySide.Side> sides = new ArrayList<>();
        loads.forEach((name, load) -> sides.add(new SideBySide.Side(name, new ClosedLoop(loop, load))));
        SuiteResult result = measure(context, new SideBySide(sides, context.progress()), loads,
            placeOrder.length(), simpleRequest.length(), machine);
        Blocking.await(io.vertx.core.Future.join(loads.values().stream().map(GrpcLoad::close).toList()));
        return result;
      } finally {
        Blocking.await(clientVertx.close());
      }
    }
  }

  private SuiteResult measure(BenchContext context, SideBySide sides, Map<String, GrpcLoad> loads,
                              int placeOrderBytes, int simpleRequestBytes, String machine) {
    long warmupMs = context.pick(3_000L, 500L);
    int rounds = context.pick(5, 2);
    long roundMs = context.pick(2_000L, 400L);
    context.progress().accept("headline: " + OUTSTANDING + " calls in flight over " + CONNECTIONS
        + " connections, " + rounds + " rounds of " + roundMs + " ms per target");
    SideBySide.Outcome headline = sides.run(OUTSTANDING, context.pick(3, 1), warmupMs, rounds, roundMs);

    List<Integer> levels = context.pick(List.of(4, 16, 64, 256), List.of(8, 64));
    Map<String, List<Curve.Point>> rates = new LinkedHashMap<>();
    Map<String, List<Curve.Point>> p99s = new LinkedHashMap<>();
    for (int level : levels) {
      SideBySide.Outcome point = sides.run(level, 1, context.pick(500L, 200L), context.pick(2, 1),
          context.pick(1_000L, 300L));
      point.total().forEach((side, figures) -> {
        rates.computeIfAbsent(side, ignored -> new ArrayList<>()).add(new Curve.Point(level, figures.callsPerSecond()));
        p99s.computeIfAbsent(side, ignored -> new ArrayList<>()).add(new Curve.Point(level, figures.p99Ms()));
      });
    }
    List<Curve> curves = new ArrayList<>();
    rates.forEach((side, points) -> curves.add(new Curve("edge-throughput", side, "calls in flight", "calls/s",
        points)));
    p99s.forEach((side, points) -> curves.add(new Curve("edge-p99", side, "calls in flight", "p99 ms", points)));

    ClosedLoop.Figures edge = headline.get(EDGE);
    ClosedLoop.Figures bare = headline.get(BARE);
    ClosedLoop.Figures async = headline.get(ASYNC);
    String shape = OUTSTANDING + " in flight, " + CONNECTIONS + " conns";
    String edgeDoes = "PlaceOrder via edge, trivial orders.place, " + shape;
    String bareDoes = "PlaceOrder, bare Vert.x gRPC, " + shape;
    String asyncDoes = "UnaryCall, grpc-java AsyncServer, " + shape;
    List<Comparison> comparisons = List.of(
        new Comparison(name(), "throughput vs bare", "calls/s", edgeDoes, edge.callsPerSecond(), bareDoes,
            bare.callsPerSecond(), Comparison.Goal.atLeast(0.9)),
        new Comparison(name(), "throughput vs grpc-java", "calls/s", edgeDoes, edge.callsPerSecond(), asyncDoes,
            async.callsPerSecond(), null),
        new Comparison(name(), "p99 vs bare", "ms", edgeDoes, edge.p99Ms(), bareDoes, bare.p99Ms(), null),
        new Comparison(name(), "p99 vs grpc-java", "ms", edgeDoes, edge.p99Ms(), asyncDoes, async.p99Ms(), null));
    List<String> notes = List.of(
        "Machine: " + machine + ".",
        String.format(Locale.ROOT, "Headline figures: edge %,.0f calls/s (p50 %.2f ms, p99 %.2f ms); bare Vert.x"
                + " %,.0f calls/s (p50 %.2f ms, p99 %.2f ms); AsyncServer %,.0f calls/s (p50 %.2f ms, p99 %.2f ms).",
            edge.callsPerSecond(), edge.p50Ms(), edge.p99Ms(), bare.callsPerSecond(), bare.p50Ms(), bare.p99Ms(),
            async.callsPerSecond(), async.p50Ms(), async.p99Ms()),
        "One load generator for all three: Vert.x gRPC clients on one event loop of their own Vert.x instance,"
            + " sending the same protobuf bytes every call as a Buffer (no encoding or decoding on the client),"
            + " over " + CONNECTIONS + " HTTP/2 connections per target (one per client, calls spread in turn),"
            + " a closed loop of " + OUTSTANDING + " calls in flight; a call counts on status OK with a reply;"
            + " warm-up rounds of " + warmupMs + " ms, then " + rounds + " rounds of " + roundMs + " ms, the targets"
            + " taken in turn.",
        "Throughput ratio edge / bare in each headline round: " + headline.roundRatios(EDGE, BARE)
            + "; edge / AsyncServer: " + headline.roundRatios(EDGE, ASYNC) + ".",
        "Same bytes on the wire: the PlaceOrderRequest is " + placeOrderBytes + " bytes; AsyncServer gets a"
            + " grpc.testing.SimpleRequest of " + simpleRequestBytes + " bytes (a zero payload sized to match) whose"
            + " response_size asks for a reply of the PlaceOrderResponse's size. Replies seen: edge "
            + loads.get(EDGE).replyBytes() + " bytes, bare " + loads.get(BARE).replyBytes() + " bytes, AsyncServer "
            + loads.get(ASYNC).replyBytes() + " bytes.",
        "Switchboard edge: GrpcEdgeVerticle (one verticle) on a Vert.x instance built as a node builds it (Micrometer"
            + " metrics of HTTP/2 and the event bus into a Prometheus registry); a PlaceOrder call gets its"
            + " correlation id (made, echoed in the response headers), the order desk validates the request, accepts"
            + " the order in the store (H2 in memory, one transaction on the store's thread: the idempotency key is"
            + " the same every call, so it finds the order accepted the first time rather than inserting one per"
            + " call), and invokes orders.place over the local transport (rpc, event-bus request, call and handler"
            + " timers), whose handler answers CONFIRMED at once; no saga runs.",
        "Why that way: the edge serves PlaceOrder through the checkout's order desk; with the checkout application"
            + " deployed without its services and orders.place served by a trivial handler through Switchboard.serve"
            + " (the public API), nothing is added to the platform for the bench, and what is measured is the edge,"
            + " the desk's acceptance of the order and the platform's invoke.",
        "Bare Vert.x gRPC: one verticle on a plain Vert.x instance (no metrics), the generated PlaceOrder method"
            + " descriptor (request decoded, reply encoded), a handler that ends the call with a fixed reply.",
        "grpc-java AsyncServer (io.grpc:grpc-benchmarks 1.70.0, grpc-netty on Netty 4.1, its own JVM, -Xmx512m,"
            + " --directexecutor: calls handled on Netty's event loops, its default number of them), BenchmarkService/"
            + "UnaryCall answering a payload of the asked size. Its JVM is another process on the same 2 cores.",
        "Curves: all three at " + levels + " calls in flight over " + CONNECTIONS + " connections (shorter rounds).");
    return new SuiteResult(name(), comparisons, curves, notes);
  }
}
