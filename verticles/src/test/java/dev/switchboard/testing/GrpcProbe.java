package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import com.google.protobuf.Message;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;

import java.util.List;
import java.util.Map;

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
    this(GrpcClient.client(vertx), port);
  }

  /** A probe over {@code client} (e.g. one set up for TLS), which it closes when it is closed. */
  public GrpcProbe(GrpcClient client, int port) {
    this.client = client;
    this.server = SocketAddress.inetSocketAddress(port, "127.0.0.1");
  }

  /** How a unary call ended: its status and message, and the reply bytes when OK. */
  public record Answer(GrpcStatus status, String message, Buffer reply) {
  }

  /**
   * Calls {@code fullMethod} ({@code package.Service/Method}) with {@code request} and the given
   * metadata, as any gRPC client can; fails only when no call could be made at all.
   */
  public Answer call(String fullMethod, Message request, Map<String, String> metadata) {
    return Blocking.await(client.request(server).compose(call -> {
      call.fullMethodName(fullMethod);
      metadata.forEach((key, value) -> call.headers().add(key, value));
      return call.send(Buffer.buffer(request.toByteArray()));
    }).compose(response -> response.last()
        .map(reply -> new Answer(response.status(), response.statusMessage(), reply))
        .recover(failure -> response.status() == null ? Future.failedFuture(failure)
            : Future.succeededFuture(new Answer(response.status(), response.statusMessage(), null)))));
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
