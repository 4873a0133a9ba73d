package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.Vertx;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("generic gRPC tools: health and reflection")
class GrpcOperabilityTest {

  private static final String TOKEN = "operability-test-token-0123456789";

  private final Vertx vertx = Vertx.vertx();
  private RunningNode running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("grpc.health.v1.Health reports SERVING overall and per service on the public port, and the operations on the internal listener")
  void health() {
    running = RunningNode.start(Map.of("internal.token", TOKEN, "internal.port", "0"));
    try (GrpcProbe probe = new GrpcProbe(vertx, running.node().grpcPort());
         GrpcProbe internal = new GrpcProbe(vertx, running.node().internalPort())) {
      assertThat(probe.health("")).isEqualTo(ServingStatus.SERVING);
      assertThat(probe.health("switchboard.checkout.v1.OrderService")).isEqualTo(ServingStatus.SERVING);
      assertThat(probe.health("switchboard.checkout.v1.InventoryService")).isEqualTo(ServingStatus.SERVING);
      assertThat(internal.health("")).isEqualTo(ServingStatus.SERVING);
      assertThat(internal.health("switchboard.platform.v1.Operations")).isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  @DisplayName("reflection lists the public services, health and reflection itself")
  void reflection() {
    running = RunningNode.start(Map.of());
    try (GrpcProbe probe = new GrpcProbe(vertx, running.node().grpcPort())) {
      assertThat(probe.listServices()).contains("switchboard.checkout.v1.OrderService",
          "switchboard.checkout.v1.InventoryService", "grpc.health.v1.Health");
    }
  }

  @Test
  @DisplayName("a process running only payment serves neither OrderService nor InventoryService; its operations are on the internal listener")
  void splitProcess() {
    running = RunningNode.start(Map.of("services", "payment", "internal.token", TOKEN, "internal.port", "0"));
    try (GrpcProbe probe = new GrpcProbe(vertx, running.node().grpcPort());
         GrpcProbe internal = new GrpcProbe(vertx, running.node().internalPort())) {
      assertThat(internal.health("switchboard.platform.v1.Operations")).isEqualTo(ServingStatus.SERVING);
      assertThat(probe.listServices()).doesNotContain("switchboard.checkout.v1.OrderService");
    }
  }
}
