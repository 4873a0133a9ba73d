package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code edge} suite's load generator, the same for every target: unary gRPC calls of one method
 * with the same protobuf bytes every time (a Buffer: the client neither encodes nor decodes a message,
 * so it costs the same whatever the target's types), spread in turn over a fixed number of HTTP/2
 * connections (one Vert.x gRPC client of one connection each). A call succeeds on status OK with a reply.
 */
final class GrpcLoad implements Supplier<Future<?>> {

  private final List<HttpClient> connections = new ArrayList<>();
  private final List<GrpcClient> clients = new ArrayList<>();
  private final SocketAddress server;
  private final String method;
  private final Buffer request;
  private int next;
  private volatile int replyBytes = -1;

  GrpcLoad(Vertx vertx, int connections, int port, String method, Buffer request) {
    for (int i = 0; i < connections; i++) {
      HttpClient http = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))
          .with(new PoolOptions().setHttp2MaxSize(1))
          .build();
      this.connections.add(http);
      this.clients.add(GrpcClient.client(vertx, http));
    }
    this.server = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    this.method = method;
    this.request = request;
  }

  /** One call, on the next connection in turn; completes with the reply's bytes. */
  @Override
  public Future<Buffer> get() {
    GrpcClient client = clients.get(next);
    next = (next + 1) % clients.size();
    return client.request(server).compose(call -> {
      call.fullMethodName(method);
      call.end(request);
      return call.response().compose(response -> response.last().transform(last -> {
        if (response.status() != GrpcStatus.OK) {
          return Future.failedFuture(method + " answered " + response.status() + ": " + response.statusMessage());
        }
        if (last.failed()) {
          return Future.failedFuture(last.cause());
        }
        replyBytes = last.result().length();
        return Future.succeededFuture(last.result());
      }));
    });
  }

  /** The size of the last reply's message, or -1 before the first. */
  int replyBytes() {
    return replyBytes;
  }

  Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      HttpClient http = connections.get(i);
      closed.add(clients.get(i).close().eventually(http::close));
    }
    return Future.join(closed).mapEmpty();
  }
}
