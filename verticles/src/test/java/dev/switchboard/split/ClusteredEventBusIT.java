package dev.switchboard.split;

import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.ServeProcess;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.switchboard.split.SplitDeploymentIT.APPLE;
import static dev.switchboard.split.SplitDeploymentIT.CHECKOUT_SERVICES;
import static dev.switchboard.split.SplitDeploymentIT.STOCK;

/**
 * Two real JVM processes joined in one Vert.x cluster (Hazelcast, explicit members on loopback):
 * payment alone in one, the rest in the other, {@code payment.charge} on the {@code local}
 * transport — rpc over the clustered event bus, or event mode on it without Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("clustered event bus: payment in its own process, reached over the event bus")
class ClusteredEventBusIT {

  private final Vertx client = Vertx.vertx();
  private final List<ServeProcess> processes = new ArrayList<>();
  private int started;

  @TempDir
  static Path stores;

  @AfterEach
  void stopProcesses() throws Exception {
    // the checkout first, each with SIGTERM: a member leaves the cluster cleanly
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop();
    }
    processes.clear();
  }

  @AfterAll
  void closeClient() {
    Blocking.await(client.close());
  }

  @ParameterizedTest(name = "place={0} charge={1} over the clustered event bus")
  @CsvSource({"rpc, rpc", "rpc, event", "event, rpc", "event, event"})
  @DisplayName("the checkout scenarios hold with payment.charge in another process of the cluster")
  void scenarios(String place, String charge) throws Exception {
    int paymentPort = freePort();
    int checkoutPort = freePort();
    String members = "127.0.0.1:" + paymentPort + ",127.0.0.1:" + checkoutPort;
    // both processes read the same modes, as they would from one configuration file
    List<String> modes = List.of("--set", "operations.orders.place.mode=" + place,
        "--set", "operations.payment.charge.mode=" + charge, "--set", "cluster.enabled=true",
        "--set", "cluster.members=" + members);
    launch("cluster-payment-" + (++started), List.of("serve", "--services", "payment",
        "--set", "store.path=" + stores.resolve("payment-" + started), "--set", "payment.maxChargeCents=10000",
        "--set", "cluster.port=" + paymentPort), modes);
    ServeProcess checkout = launch("cluster-checkout-" + started, List.of("serve", "--services", CHECKOUT_SERVICES,
        "--set", "store.path=" + stores.resolve("checkout-" + started),
        "--set", "inventory.stock." + APPLE + "=" + STOCK, "--set", "cluster.port=" + checkoutPort), modes);
    processes.get(0).awaitReady(120);
    CheckoutGrpcClient orders = new CheckoutGrpcClient(client, "127.0.0.1", checkout.awaitReady(120)[0]);

    SplitDeploymentIT.assertCheckoutScenarios(orders);
  }

  private ServeProcess launch(String name, List<String> args, List<String> modes) throws IOException {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0", "--set", "http.host=127.0.0.1",
        "--set", "http.port=0", "--set", "shutdown.graceMs=0"));
    all.addAll(modes);
    ServeProcess process = ServeProcess.launch(name, all);
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
