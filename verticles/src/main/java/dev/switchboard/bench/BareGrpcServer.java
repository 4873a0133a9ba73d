package dev.switchboard.bench;

import dev.switchboard.checkout.v1.OrderServiceGrpcService;
import dev.switchboard.node.Blocking;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;

/**
 * The {@code edge} suite's first baseline: a bare Vert.x gRPC server, on a plain Vert.x instance (no
 * metrics), serving PlaceOrder with the generated method descriptor (so the request is decoded and the
 * reply encoded as on the edge) and a handler that answers a fixed reply at once.
 */
final class BareGrpcServer implements AutoCloseable {

  private final Vertx vertx;
  private final int port;

  private BareGrpcServer(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  static BareGrpcServer start() {
    Vertx vertx = Vertx.vertx(dev.switchboard.node.SwitchboardNode.vertxOptions());
    Server server = new Server();
    try {
      Blocking.await(vertx.deployVerticle(server));
    } catch (RuntimeException failed) {
      Blocking.await(vertx.close());
      throw failed;
    }
    return new BareGrpcServer(vertx, server.http.actualPort());
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    Blocking.await(vertx.close());
  }

  /** One verticle, one event loop: as the edge verticle. */
  private static final class Server extends VerticleBase {
    private HttpServer http;

    @Override
    public Future<?> start() {
      GrpcServer grpc = GrpcServer.server(vertx).callHandler(OrderServiceGrpcService.PlaceOrder,
          call -> call.handler(request -> call.response().end(EdgeMessages.PLACE_ORDER_RESPONSE)));
      http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(grpc);
      return http.listen();
    }
  }
}
