package dev.switchboard.edge;

import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.OrderDesk;
import dev.switchboard.checkout.v1.GetOrderRequest;
import dev.switchboard.checkout.v1.InventoryServiceGrpcService;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderServiceGrpcService;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;

/**
 * The gRPC front door: {@code switchboard.checkout.v1.OrderService} and {@code InventoryService}
 * over HTTP/2. The correlation id comes from the {@code x-correlation-id} metadata (or is made
 * here) and is echoed in the response headers.
 */
public final class GrpcEdgeVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(GrpcEdgeVerticle.class);

  private final EdgeConfig config;
  private final OrderDesk desk;
  private final Switchboard switchboard;
  private HttpServer server;

  public GrpcEdgeVerticle(EdgeConfig config, OrderDesk desk, Switchboard switchboard) {
    this.config = config;
    this.desk = desk;
    this.switchboard = switchboard;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx);
    unary(grpc, OrderServiceGrpcService.PlaceOrder, desk::place);
    unary(grpc, OrderServiceGrpcService.GetOrder, (request, context) ->
        requireOrderId(request).compose(desk::get));
    grpc.callHandler(OrderServiceGrpcService.WatchOrder, this::watchOrder);
    unary(grpc, InventoryServiceGrpcService.GetStock, (request, context) -> request.getSku().isBlank()
        ? Future.failedFuture(new OperationException(ErrorCode.INVALID_ARGUMENT, "sku must not be empty"))
        : desk.stock(request.getSku()));
    unary(grpc, InventoryServiceGrpcService.Reserve, (request, context) -> request.getOrderId().isBlank()
        ? Future.failedFuture(new OperationException(ErrorCode.INVALID_ARGUMENT, "order_id must not be empty"))
        : switchboard.call(CheckoutOperations.INVENTORY_RESERVE, request, context.withAggregate(request.getOrderId())));
    unary(grpc, InventoryServiceGrpcService.Release, (request, context) -> request.getOrderId().isBlank()
        ? Future.failedFuture(new OperationException(ErrorCode.INVALID_ARGUMENT, "order_id must not be empty"))
        : switchboard.call(CheckoutOperations.INVENTORY_RELEASE, request, context.withAggregate(request.getOrderId())));

    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.grpcHost()).setPort(config.grpcPort()))
        .requestHandler(grpc);
    return server.listen().onSuccess(listening ->
        LOGGER.info("gRPC edge listening on {}:{} (OrderService, InventoryService)", config.grpcHost(),
            listening.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private <Q, R> void unary(GrpcServer grpc, ServiceMethod<Q, R> method, BiFunction<Q, CallContext, Future<R>> handler) {
    grpc.callHandler(method, call -> {
      CallContext context = begin(call);
      call.last()
          .compose(request -> handler.apply(request, context))
          .onSuccess(reply -> call.response().end(reply))
          .onFailure(failure -> {
            LOGGER.debug("{} {} failed: {}", context.logTag(), call.fullMethodName(), failure.getMessage());
            GrpcErrors.fail(call.response(), failure);
          });
    });
  }

  /** Current state at once, then every change; ends after a terminal state or when the client goes. */
  private void watchOrder(GrpcServerRequest<GetOrderRequest, Order> call) {
    CallContext context = begin(call);
    call.last().compose(this::requireOrderId).onSuccess(orderId -> {
      OrderStatus[] lastSent = {null};
      boolean[] ended = {false};
      @SuppressWarnings("unchecked")
      MessageConsumer<Buffer>[] subscription = new MessageConsumer[1];
      desk.watch(orderId, order -> {
        if (ended[0] || order.getStatus() == lastSent[0]) {
          return;
        }
        lastSent[0] = order.getStatus();
        if (OrderBook.isTerminal(order)) {
          ended[0] = true;
          call.response().end(order);
          if (subscription[0] != null) {
            subscription[0].unregister();
          }
        } else {
          call.response().write(order);
        }
      }).onSuccess(consumer -> {
        subscription[0] = consumer;
        if (ended[0]) {
          consumer.unregister();
        }
        // a client that cancels or goes away stops the watch (reported on the request or the response)
        call.exceptionHandler(gone -> consumer.unregister());
        call.response().exceptionHandler(gone -> consumer.unregister());
      }).onFailure(failure -> GrpcErrors.fail(call.response(), failure));
    }).onFailure(failure -> GrpcErrors.fail(call.response(), failure));
  }

  private Future<String> requireOrderId(GetOrderRequest request) {
    return request.getOrderId().isBlank()
        ? Future.failedFuture(new OperationException(ErrorCode.INVALID_ARGUMENT, "order_id must not be empty"))
        : Future.succeededFuture(request.getOrderId());
  }

  private static CallContext begin(GrpcServerRequest<?, ?> call) {
    CallContext context = CallContext.begin(call.headers().get(Envelope.CORRELATION_ID));
    call.response().headers().set(Envelope.CORRELATION_ID, context.correlationId());
    return context;
  }
}
