package dev.switchboard.docker;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.testing.NativeTopology;
import dev.switchboard.testing.NativeTopology.Replica;
import dev.switchboard.testing.Orders;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/native.sh}, the compose topology as native processes (no Docker engine here): two
 * replicas of each service group from {@code docker/config/*.yaml} on this JVM's shared broker and
 * PostgreSQL cluster, orders through each checkout replica's gRPC edge, then {@code down}.
 */
@DisplayName("docker/native.sh: the topology of docker/compose.yaml as native processes")
class NativeTopologyIT {

  /**
   * How long one order may take to end. Until the replicas route results to the replica that waits for
   * them, PlaceOrder on one replica whose saga advanced on the other answers only after orders.place's
   * timeoutMs (30 s in docker/config/checkout.yaml), so the bound is generous; only the outcome is asserted.
   */
  private static final Duration PER_ORDER = Duration.ofSeconds(90);
  private static final int ORDERS_PER_CHECKOUT_REPLICA = 2;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES) // up (bounded by NativeTopology), the orders, down (bounded too)
  @DisplayName("the native topology script starts, serves an order through each replica, and stops cleanly")
  void startsServesAndStopsCleanly() throws Exception {
    NativeTopology topology = NativeTopology.up(2, 2);
    List<Replica> replicas = topology.replicas();
    NativeTopology.Result down;
    try {
      assertThat(replicas).extracting(Replica::id).containsExactly("checkout-1", "checkout-2", "payment-1", "payment-2");
      assertThat(replicas.stream().flatMap(replica -> replica.ports().stream()))
          .as("every replica listens on ports of its own").doesNotHaveDuplicates();
      NativeTopology.Result status = topology.status();
      assertThat(status.exitCode()).as("status with everything running:\n" + status.output()).isZero();

      for (Replica replica : replicas) {
        HttpResponse<String> instance = get(replica.httpPort(), "/instance");
        assertThat(instance.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(instance.body()).getString("instance")).as("GET /instance of " + replica.id())
            .isEqualTo(replica.id());
      }

      // the orders go at once, each followed to its end on its own thread: only outcomes are asserted
      ExecutorService clients = Executors.newCachedThreadPool();
      try {
        Map<Replica, List<Future<Order>>> placed = new LinkedHashMap<>();
        for (Replica checkout : topology.replicas("checkout")) {
          for (int i = 0; i < ORDERS_PER_CHECKOUT_REPLICA; i++) {
            placed.computeIfAbsent(checkout, replica -> new ArrayList<>()).add(clients.submit(() ->
                Orders.placeUntilEnded(topology.client(checkout), Orders.order("SKU-APPLE", 1, 500), PER_ORDER)));
          }
        }
        for (Map.Entry<Replica, List<Future<Order>>> through : placed.entrySet()) {
          for (Future<Order> ended : through.getValue()) {
            Order order = ended.get();
            assertThat(order.getStatus()).as("order %s placed through %s: %s", order.getOrderId(),
                through.getKey().id(), order.getReason()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
          }
        }
      } finally {
        clients.shutdownNow();
      }
      // each checkout replica calls the payment replicas in turn: with two charges or more from one of
      // them, every payment replica has charged
      for (Replica payment : topology.replicas("payment")) {
        assertThat(charges(payment)).as("charges made by " + payment.id()).isPositive();
      }
    } finally {
      down = topology.down();
      topology.close();
    }

    assertThat(down.exitCode()).as("docker/native.sh down:\n" + down.output()).isZero();
    for (Replica replica : replicas) {
      assertThat(replica.alive()).as(replica.id() + " (pid " + replica.pid() + ") after down").isFalse();
      for (int port : replica.ports()) {
        assertThat(listening(port)).as(replica.id() + "'s port " + port + " after down").isFalse();
      }
      assertThat(replica.logText()).as(replica.id() + "'s log (" + replica.log() + ")")
          .contains("shutting down: NOT_SERVING for 2000 ms")
          .contains("store closed: PostgreSQL database")
          .doesNotContain("shutdown did not finish cleanly");
    }
    assertThat(down.output()).contains("all stopped");
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The charges a payment replica handled successfully, from its /metrics. */
  private long charges(Replica payment) throws IOException, InterruptedException {
    return get(payment.httpPort(), "/metrics").body().lines()
        .filter(line -> line.startsWith("switchboard_operation_handled_seconds_count")
            && line.contains("operation=\"payment.charge\"") && line.contains("outcome=\"ok\""))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
