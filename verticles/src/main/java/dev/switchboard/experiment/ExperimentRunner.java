package dev.switchboard.experiment;

import dev.switchboard.node.SwitchboardNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Consumer;

/**
 * Runs a workload against a running node through its gRPC edge and checks consistency afterwards.
 * The node can be configured any way (a variant); the runner only talks to it as a client would,
 * plus reading the services' state for the consistency check.
 */
public final class ExperimentRunner {

  private ExperimentRunner() {
  }

  public static Future<VariantResult> run(Vertx clientVertx, SwitchboardNode node, String variant, Workload workload,
                                          Consumer<String> progress) {
    CheckoutGrpcClient client = new CheckoutGrpcClient(clientVertx, "127.0.0.1", node.grpcPort());
    VariantRun run = new VariantRun(clientVertx, client, variant, workload, progress);
    return run.run()
        .compose(done -> ConsistencyCheck.verify(clientVertx, client, node.checkout(),
            node.config().checkout().initialStock(), run))
        .map(run::result)
        .eventually(client::close);
  }
}
