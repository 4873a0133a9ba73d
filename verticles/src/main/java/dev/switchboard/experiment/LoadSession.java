package dev.switchboard.experiment;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The connections of an open-loop load generator to one or more processes' public gRPC edge, opened
 * once and used for any number of {@link LoadRun}s: {@code switchboard load} (against processes
 * already running) and {@code switchboard bench} (against a node in its own JVM) drive the checkout
 * through this one generator, so that their figures mean the same thing.
 */
public final class LoadSession {

  /** How long a target has to answer the probe before the run. */
  static final long PROBE_MS = 20_000;

  private final Vertx vertx;
  private final List<LoadRun.Connections> targets;

  private LoadSession(Vertx vertx, List<LoadRun.Connections> targets) {
    this.vertx = vertx;
    this.targets = List.copyOf(targets);
  }

  /**
   * Connections to each target from {@code vertx}: {@code clients} for PlaceOrder and as many for
   * following PENDING orders, each carrying up to 100 calls at once.
   */
  public static LoadSession connect(Vertx vertx, List<LoadOptions.Target> targets, int clients) {
    List<LoadRun.Connections> connections = new ArrayList<>();
    for (LoadOptions.Target target : targets) {
      List<CheckoutGrpcClient> placers = new ArrayList<>();
      List<CheckoutGrpcClient> watchers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        placers.add(new CheckoutGrpcClient(vertx, target.host(), target.port(), 1));
        watchers.add(new CheckoutGrpcClient(vertx, target.host(), target.port(), 1));
      }
      connections.add(new LoadRun.Connections(target, placers, watchers));
    }
    return new LoadSession(vertx, connections);
  }

  /**
   * Asks each target, on each of its connections (so that they are open before the schedule starts),
   * for an order that does not exist: any gRPC answer but UNIMPLEMENTED means the target serves
   * OrderService; a connection refused, a name that does not resolve or no answer within
   * {@value #PROBE_MS} ms means it cannot be reached. One line per target that failed.
   */
  public Future<List<String>> probe() {
    List<Future<String>> answers = targets.stream().map(LoadSession::probe).toList();
    return Future.all(answers).map(all -> answers.stream().map(Future::result).filter(Objects::nonNull).toList());
  }

  /** The target's first problem, or null when every connection got an answer. */
  private static Future<String> probe(LoadRun.Connections target) {
    List<Future<String>> connections = Stream.concat(target.placers().stream(), target.watchers().stream())
        .map(connection -> connection.getOrder("load-probe-" + UUID.randomUUID())
            .timeout(PROBE_MS, TimeUnit.MILLISECONDS)
            .map(order -> (String) null)
            .recover(failure -> Future.succeededFuture(problem(target.target(), failure))))
        .toList();
    return Future.all(connections).map(all -> connections.stream().map(Future::result).filter(Objects::nonNull)
        .findFirst().orElse(null));
  }

  private static String problem(LoadOptions.Target target, Throwable failure) {
    if (failure instanceof GrpcCallException call) {
      return call.status() == GrpcStatus.UNIMPLEMENTED
          ? "target " + target + " answers gRPC but does not serve the checkout's OrderService" : null;
    }
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return "target " + target + " is unreachable: no answer within " + PROBE_MS + " ms";
    }
    String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return "target " + target + " is unreachable: " + why;
  }

  /**
   * One open-loop run at {@code rate} orders/s with the window, warm-up, grace and SKUs of
   * {@code options} (its targets, rate and clients are not used: the session's are).
   *
   * @param runId    makes this run's idempotency keys distinct from every other run's
   * @param label    prefixes each progress line
   * @param progress a line every {@value LoadRun#PROGRESS_MS} ms while the run goes on
   */
  public Future<LoadResult> run(int rate, LoadOptions options, String runId, String label, Consumer<String> progress) {
    return run(rate, options, runId, label, progress, 0);
  }

  /**
   * As {@link #run(int, LoadOptions, String, String, Consumer)}, then waits up to {@code settleMs} for
   * the orders the run left open to end ({@link LoadResult#settling}) before it completes: for runs
   * one after another against the same long-lived targets, each of which should start on targets that
   * finished the one before.
   */
  public Future<LoadResult> run(int rate, LoadOptions options, String runId, String label, Consumer<String> progress,
                                long settleMs) {
    return new LoadRun(vertx, targets, rate, options, runId, label, progress, settleMs).run();
  }

  /** The targets, as {@code host:port, …}. */
  public String names() {
    return String.join(", ", targets.stream().map(target -> target.target().toString()).toList());
  }

  /** Closes every connection. */
  public Future<Void> close() {
    return Future.join(targets.stream().flatMap(target -> Stream.concat(target.placers().stream(),
        target.watchers().stream())).map(CheckoutGrpcClient::close).toList()).mapEmpty();
  }

  /** A prefix for a run's idempotency keys: the time and a random part, so that no two runs share one. */
  public static String runId() {
    return Long.toString(System.currentTimeMillis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
