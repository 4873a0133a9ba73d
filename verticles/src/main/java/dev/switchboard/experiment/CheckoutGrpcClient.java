package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.GetOrderRequest;
import dev.switchboard.checkout.v1.GetStockRequest;
import dev.switchboard.checkout.v1.InventoryServiceGrpcClient;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderServiceGrpcClient;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.ReleaseStockRequest;
import dev.switchboard.checkout.v1.ReserveStockRequest;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.checkout.v1.StockRelease;
import dev.switchboard.checkout.v1.StockReservation;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * A client of the checkout's gRPC edge, as an outside caller sees it: real gRPC over HTTP/2, the
 * correlation id in the {@code x-correlation-id} metadata, and a non-OK status surfaced with its
 * message as a {@link GrpcCallException}.
 */
public final class CheckoutGrpcClient {

  private static final String CORRELATION_ID = "x-correlation-id";

  private final GrpcClient client;
  private final io.vertx.core.http.HttpClient http;
  private final SocketAddress server;

  public CheckoutGrpcClient(Vertx vertx, String host, int port) {
    this(vertx, host, port, 1);
  }

  /**
   * A client that opens up to {@code connections} HTTP/2 connections as calls need them: a server
   * takes a bounded number of concurrent calls per connection (100 by default), so a load generator
   * standing in for many clients needs several, or it would queue calls on its own side.
   */
  public CheckoutGrpcClient(Vertx vertx, String host, int port, int connections) {
    io.vertx.core.http.HttpClient http = vertx.httpClientBuilder()
        .with(new io.vertx.core.http.HttpClientOptions().setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false))
        .with(new io.vertx.core.http.PoolOptions().setHttp2MaxSize(connections))
        .build();
    this.http = http;
    this.client = GrpcClient.client(vertx, http);
    this.server = SocketAddress.inetSocketAddress(port, host);
  }

  public Future<PlaceOrderResponse> placeOrder(PlaceOrderRequest request, String correlationId) {
    return unary(OrderServiceGrpcClient.PlaceOrder, request, correlationId, 0);
  }

  /**
   * PlaceOrder with a deadline, sent as grpc-timeout: the server honours it down the chain and
   * answers DEADLINE_EXCEEDED (naming the order, which goes on and can be followed) when it passes.
   */
  public Future<PlaceOrderResponse> placeOrder(PlaceOrderRequest request, String correlationId, long deadlineMs) {
    return unary(OrderServiceGrpcClient.PlaceOrder, request, correlationId, deadlineMs);
  }

  public Future<Order> getOrder(String orderId) {
    return unary(OrderServiceGrpcClient.GetOrder, GetOrderRequest.newBuilder().setOrderId(orderId).build(), null, 0);
  }

  public Future<StockLevel> getStock(String sku) {
    return unary(InventoryServiceGrpcClient.GetStock, GetStockRequest.newBuilder().setSku(sku).build(), null, 0);
  }

  public Future<StockReservation> reserve(ReserveStockRequest request) {
    return unary(InventoryServiceGrpcClient.Reserve, request, null, 0);
  }

  public Future<StockRelease> release(String orderId) {
    return unary(InventoryServiceGrpcClient.Release, ReleaseStockRequest.newBuilder().setOrderId(orderId).build(),
        null, 0);
  }

  /** Follows an order: {@code onUpdate} gets every state sent; completes with all of them when the stream ends. */
  public Future<List<Order>> watchOrder(String orderId, Handler<Order> onUpdate) {
    List<Order> updates = new ArrayList<>();
    return call(OrderServiceGrpcClient.WatchOrder, GetOrderRequest.newBuilder().setOrderId(orderId).build(), null, 0,
        order -> {
          updates.add(order);
          onUpdate.handle(order);
        }).map(done -> updates);
  }

  public Future<Void> close() {
    return client.close().eventually(http::close);
  }

  private <Q, R> Future<R> unary(ServiceMethod<R, Q> method, Q request, String correlationId, long deadlineMs) {
    @SuppressWarnings("unchecked")
    R[] last = (R[]) new Object[1];
    return call(method, request, correlationId, deadlineMs, reply -> last[0] = reply).map(done -> last[0]);
  }

  private <Q, R> Future<Void> call(ServiceMethod<R, Q> method, Q request, String correlationId, long deadlineMs,
                                   Handler<R> onMessage) {
    return client.request(server, method).compose(call -> {
      if (correlationId != null) {
        call.headers().set(CORRELATION_ID, correlationId);
      }
      if (deadlineMs > 0) {
        call.timeout(deadlineMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      call.end(request);
      return call.response().compose(response -> {
        Promise<Void> ended = Promise.promise();
        response.handler(onMessage);
        response.exceptionHandler(ended::tryFail);
        response.endHandler(end -> complete(response, ended));
        return ended.future();
      });
    });
  }

  private static void complete(GrpcClientResponse<?, ?> response, Promise<Void> ended) {
    if (response.status() == GrpcStatus.OK) {
      ended.tryComplete();
    } else {
      ended.tryFail(new GrpcCallException(response.status(), response.statusMessage()));
    }
  }
}
