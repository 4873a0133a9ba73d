package dev.switchboard.platform;

import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.policy.CircuitBreakers;
import dev.switchboard.platform.transport.EventTransport;
import dev.switchboard.platform.transport.GrpcTransport;
import dev.switchboard.platform.transport.KafkaEventTransport;
import dev.switchboard.platform.transport.LocalTransport;
import dev.switchboard.platform.transport.ReplicaCheck;
import dev.switchboard.platform.transport.RpcTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import dev.switchboard.platform.config.OperationSettings;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The transports of one process, by kind: the event bus (rpc and events), gRPC (rpc to other
 * processes) and, when the configuration uses it, Kafka (events).
 */
final class Transports {

  private static final long LOCAL_COMMAND_ACK_TIMEOUT_MS = 10_000;

  private final CircuitBreakers breakers;
  private final GrpcTransport grpc;
  private final KafkaEventTransport kafka;
  private final Map<Transport, RpcTransport> rpc = new EnumMap<>(Transport.class);
  private final Map<Transport, EventTransport> events = new EnumMap<>(Transport.class);

  Transports(Vertx vertx, PlatformConfig config, SwitchboardMetrics metrics,
             ReplicaCheck replicas) {
    MeterRegistry registry = metrics.registry();
    LocalTransport local = new LocalTransport(vertx.eventBus(), LOCAL_COMMAND_ACK_TIMEOUT_MS);
    rpc.put(Transport.LOCAL, local);
    events.put(Transport.LOCAL, local);
    this.breakers = new CircuitBreakers(vertx, config, metrics);
    this.grpc = new GrpcTransport(vertx, config, breakers);
    rpc.put(Transport.GRPC, grpc);
    this.kafka = config.uses(Transport.KAFKA) ? new KafkaEventTransport(vertx, config, registry, replicas) : null;
    if (kafka != null) {
      events.put(Transport.KAFKA, kafka);
    }
  }

  RpcTransport rpc(Transport transport) {
    RpcTransport found = rpc.get(transport);
    if (found == null) {
      throw new IllegalStateException("no rpc transport " + transport.spelling());
    }
    return found;
  }

  EventTransport events(Transport transport) {
    EventTransport found = events.get(transport);
    if (found == null) {
      throw new IllegalStateException("no event transport " + transport.spelling());
    }
    return found;
  }

  /**
   * The transports an operation's commands (or a subscriber's stream events) may arrive on, whatever
   * its mode: the event bus always, and its event path when that is another transport.
   */
  static List<Transport> eventPaths(OperationSettings settings) {
    return settings.eventTransport() == Transport.LOCAL ? List.of(Transport.LOCAL)
        : List.of(Transport.LOCAL, settings.eventTransport());
  }

  /** The circuit breakers of rpc calls: per operation on the event bus, per operation and target over grpc. */
  CircuitBreakers breakers() {
    return breakers;
  }

  GrpcTransport grpc() {
    return grpc;
  }

  /** Stops consuming (Kafka consumers commit what is done). */
  Future<Void> closeConsumers() {
    return kafka == null ? Future.succeededFuture() : kafka.close();
  }

  /** Closes the rpc clients: last, so that work finishing during shutdown can still call out. */
  Future<Void> closeClients() {
    breakers.close();
    return grpc.close();
  }
}
