package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.experiment.ExperimentSpec.FaultSpec;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a workload against a running node through its gRPC edge, with a fault schedule on the
 * workload's timeline, then audits what the services ended up with. The node can be configured any
 * way (a variant); the runner talks to it as a client would, and reads the services' own state
 * for the audit and the consistency samples.
 */
public final class ExperimentRunner {

  /** How long the audit waits for event-mode work to settle before it counts what is still missing. */
  static final long SETTLE_MS = 15_000;
  /** The client's connections: up to 100 concurrent calls each, so that a burst reaches the server as a burst. */
  static final int CLIENT_CONNECTIONS = 32;

  /** A run and its audit. */
  record Measured(VariantRun run, EffectsAudit.Findings findings) {
  }

  private ExperimentRunner() {
  }

  /** The demo's run: no faults, a minute's grace, no client deadline. */
  public static Future<VariantResult> run(Vertx clientVertx, SwitchboardNode node, String variant, Workload workload,
                                          Consumer<String> progress) {
    return measure(clientVertx, node, variant, workload, List.of(), List.of(), 60_000, 0, progress)
        .map(measured -> measured.run().result(measured.findings().violations()));
  }

  static Future<Measured> measure(Vertx clientVertx, SwitchboardNode node, String variant, Workload workload,
                                  List<FaultSpec> faults, List<ExperimentSpec.WindowSpec> windows, long graceMs,
                                  long clientTimeoutMs, Consumer<String> progress) {
    CheckoutGrpcClient client = new CheckoutGrpcClient(clientVertx, "127.0.0.1", node.grpcPort(), CLIENT_CONNECTIONS);
    CheckoutGrpcClient watcher = new CheckoutGrpcClient(clientVertx, "127.0.0.1", node.grpcPort(), CLIENT_CONNECTIONS);
    FaultSchedule schedule = new FaultSchedule(clientVertx, node, faults);
    VariantRun run = new VariantRun(clientVertx, client, watcher, variant, workload, windows, graceMs,
        clientTimeoutMs, probe(node, schedule), progress);
    return run.run()
        .eventually(schedule::stop)
        .compose(over -> EffectsAudit.settle(clientVertx, client, node.checkout(),
            node.config().checkout().initialStock(), SETTLE_MS))
        .map(findings -> new Measured(run, findings))
        .eventually(() -> Future.join(client.close(), watcher.close()));
  }

  private static VariantRun.Probe probe(SwitchboardNode node, FaultSchedule schedule) {
    return new VariantRun.Probe() {
      @Override
      public void started(long startNanos) {
        schedule.start(startNanos);
      }

      @Override
      public java.util.Map<String, Integer> queueDepths() {
        return node.switchboard().metrics().inFlightByOperation();
      }

      @Override
      public Future<Long> backlog() {
        return node.checkout().orders().pendingCount();
      }

      @Override
      public java.util.Map<String, Long> counts() {
        var registry = node.switchboard().metrics().registry();
        return java.util.Map.of(
            "degraded_calls", SwitchboardMetrics.counted(registry, SwitchboardMetrics.DEGRADED_CALLS),
            "call_rejections", SwitchboardMetrics.counted(registry, SwitchboardMetrics.CALL_REJECTIONS));
      }

      @Override
      public List<String> activeFaults() {
        return schedule.activeFaults();
      }

      @Override
      public Future<Boolean> reflected(String orderId) {
        Future<Boolean> sold = node.checkout().stock().sold(orderId);
        Future<Integer> notified = node.checkout().notifications().count(orderId, OrderEvent.KindCase.CONFIRMED);
        return Future.all(sold, notified).map(both -> sold.result() && notified.result() > 0);
      }
    };
  }
}
