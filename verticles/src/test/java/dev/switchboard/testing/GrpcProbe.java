package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;

import java.util.List;

/**
 * What generic gRPC tools ask a server: {@code grpc.health.v1.Health/Check} and the service list of
 * {@code grpc.reflection.v1.ServerReflection}, with the standard messages over a plain client.
 */
public final class GrpcProbe implements AutoCloseable {

  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK = ServiceMethod.client(
      ServiceName.create("grpc.health.v1.Health"), "Check", GrpcMessageEncoder.encoder(),
      GrpcMessageDecoder.decoder(HealthCheckResponse.getDefaultInstance()));
  private static final ServiceMethod<ServerReflectionResponse, ServerReflectionRequest> REFLECTION =
      ServiceMethod.client(ServiceName.create("grpc.reflection.v1.ServerReflection"), "ServerReflectionInfo",
          GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(ServerReflectionResponse.getDefaultInstance()));

  private final GrpcClient client;
  private final SocketAddress server;

  public GrpcProbe(Vertx vertx, int port) {
    this.client = GrpcClient.client(vertx);
    this.server = SocketAddress.inetSocketAddress(port, "127.0.0.1");
  }

  /** The serving status of {@code service} ("" for the whole server). */
  public HealthCheckResponse.ServingStatus health(String service) {
    return Blocking.await(client.request(server, CHECK)
        .compose(call -> call.send(HealthCheckRequest.newBuilder().setService(service).build()))
        .compose(response -> response.last())).getStatus();
  }

  /** The services the server lists through reflection. */
  public List<String> listServices() {
    return Blocking.await(client.request(server, REFLECTION).compose(call -> {
      Future<List<String>> names = call.response().compose(response -> response.last())
          .map(reply -> reply.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName)
              .toList());
      call.end(ServerReflectionRequest.newBuilder().setListServices("").build());
      return names;
    }));
  }

  @Override
  public void close() {
    Blocking.await(client.close());
  }
}
