package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.experiment.CheckoutGrpcClient;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An embedded node for one test and the outside clients that talk to it over real gRPC, from a
 * Vert.x instance of their own; {@link #close()} closes them all.
 */
public final class RunningNode implements AutoCloseable {

  private final Vertx clientVertx = Vertx.vertx();
  private final List<CheckoutGrpcClient> clients = new ArrayList<>();
  private final SwitchboardNode node;

  private RunningNode(SwitchboardNode node) {
    this.node = node;
  }

  /** Starts a node with the test catalogue of {@link TestNodes} and {@code overrides}. */
  public static RunningNode start(Map<String, String> overrides) {
    return new RunningNode(TestNodes.start(overrides));
  }

  public SwitchboardNode node() {
    return node;
  }

  /** A new client with its own connection to the node's gRPC edge. */
  public CheckoutGrpcClient newClient() {
    CheckoutGrpcClient client = new CheckoutGrpcClient(clientVertx, "127.0.0.1", node.grpcPort());
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    clients.forEach(client -> Blocking.await(client.close()));
    Blocking.await(node.close());
    Blocking.await(clientVertx.close());
  }
}
