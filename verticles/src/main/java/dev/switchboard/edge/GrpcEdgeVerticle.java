package dev.switchboard.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.platform.Operation;
import java.util.List;
import java.util.ArrayList;
import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.OrderDesk;
import dev.switchboard.checkout.OrderLimits;
import dev.switchboard.checkout.v1.GetOrderRequest;
import dev.switchboard.checkout.v1.InventoryServiceGrpcService;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderServiceGrpcService;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.TextLimit;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.GrpcHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.Service;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The gRPC front door, the public port: {@code switchboard.checkout.v1.OrderService} and
 * {@code InventoryService.GetStock} over HTTP/2, with gRPC health and reflection; nothing of the
 * platform's inside (its operations are served on the internal listener). The correlation id comes from the {@code x-correlation-id} metadata (or is made
 * here) and is echoed in the response headers.
 */
public final class GrpcEdgeVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(GrpcEdgeVerticle.class);

  private final EdgeConfig config;
  private final OrderDesk desk;
  private HttpServer server;

  private final boolean orders;
  private final boolean inventory;
  private final BooleanSupplier serving;

  /**
   * @param orders    whether this process runs the orders service (then it serves OrderService)
   * @param inventory whether it runs the inventory service (then it serves InventoryService)
   */
  public GrpcEdgeVerticle(EdgeConfig config, OrderDesk desk, boolean orders, boolean inventory,
                          BooleanSupplier serving) {
    this.serving = serving;
    this.config = config;
    this.desk = desk;
    this.orders = orders;
    this.inventory = inventory;
  }

  @Override
  public Future<?> start() {
    // the public port: the platform's operations are not here, but on the internal listener
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(false));
    List<String> services = new ArrayList<>();
    if (orders) {
      services.add(OrderServiceGrpcService.SERVICE_NAME.fullyQualifiedName());
      var service = Service.service(OrderServiceGrpcService.SERVICE_NAME, OrderServiceGrpcService.SERVICE_DESCRIPTOR);
      unary(service, OrderServiceGrpcService.PlaceOrder, desk::place);
      unary(service, OrderServiceGrpcService.GetOrder, (request, context) ->
          requireOrderId(request).compose(desk::get));
      service.bind(OrderServiceGrpcService.WatchOrder, this::watchOrder);
      grpc.addService(service.build());
    }
    if (inventory) {
      services.add(InventoryServiceGrpcService.SERVICE_NAME.fullyQualifiedName());
      var service = Service.service(InventoryServiceGrpcService.SERVICE_NAME,
          InventoryServiceGrpcService.SERVICE_DESCRIPTOR);
      serveInventory(service);
      grpc.addService(service.build());
    }
    // grpc.health.v1.Health, per service and overall (""): SERVING until shutdown begins
    grpc.addService(GrpcHealth.service(vertx, java.util.Set.copyOf(services), serving));
    grpc.addService(ReflectionService.v1());
    services.add(GrpcHealth.serviceName());
    services.add("grpc.reflection.v1.ServerReflection");
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.grpcHost()).setPort(config.grpcPort()))
        .requestHandler(grpc);
    return server.listen().onSuccess(listening ->
        LOGGER.info("gRPC listening on {}:{} ({})", config.grpcHost(), listening.actualPort(),
            String.join(", ", services)));
  }

  /**
   * Stock reads for anyone; Reserve and Release change stock, which only the checkout saga does
   * (over the platform's operations, on the internal listener): from outside they are refused.
   */
  private void serveInventory(io.vertx.grpc.server.ServiceBuilder grpc) {
    unary(grpc, InventoryServiceGrpcService.GetStock, (request, context) ->
        checked(OrderLimits.SKU, request.getSku()).compose(desk::stock));
    unary(grpc, InventoryServiceGrpcService.Reserve, (request, context) -> internalOnly("Reserve"));
    unary(grpc, InventoryServiceGrpcService.Release, (request, context) -> internalOnly("Release"));
  }

  private static <R> Future<R> internalOnly(String method) {
    return Future.failedFuture(new OperationException(ErrorCode.PERMISSION_DENIED, "InventoryService." + method
        + " is internal: stock is reserved and released by the checkout saga only, not from the public port"));
  }

  /** Stops taking new calls; the calls in flight have up to {@code shutdown.drainMs} to finish. */
  public Future<Void> shutdown() {
    return server == null ? Future.succeededFuture() : server.shutdown(config.shutdownDrainMs(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private <Q, R> void unary(io.vertx.grpc.server.ServiceBuilder grpc, ServiceMethod<Q, R> method,
                            BiFunction<Q, CallContext, Future<R>> handler) {
    grpc.bind(method, call -> {
      Begun begun = begin(call);
      CallContext context = begun.context();
      readable(call, method.methodName())
          .compose(request -> begun.then(() -> handler.apply(request, context)))
          .onComplete(outcome -> {
            try {
              if (outcome.succeeded()) {
                call.response().end(outcome.result());
              } else {
                LOGGER.debug("{} {} failed: {}", context.logTag(), call.fullMethodName(),
                    LogSafe.quote(outcome.cause().getMessage()));
                GrpcErrors.fail(call.response(), outcome.cause());
              }
            } catch (IllegalStateException gone) {
              // the client cancelled or its deadline passed: nobody is waiting for this answer
              LOGGER.debug("{} {} answer not sent: {}", context.logTag(), call.fullMethodName(), gone.getMessage());
            }
          });
    });
  }

  /** Current state at once, then every change; ends after a terminal state or when the client goes. */
  private void watchOrder(GrpcServerRequest<GetOrderRequest, Order> call) {
    Begun begun = begin(call);
    CallContext context = begun.context();
    boolean[] ended = {false};
    OrderBook.Watch[] subscription = new OrderBook.Watch[1];
    Runnable stop = () -> {
      ended[0] = true;
      if (subscription[0] != null) {
        subscription[0].stop();
      }
    };
    // a client that cancels, whose deadline passes or that goes away stops the watch: a reset is
    // reported to the error handler, a broken connection to the exception handlers
    call.errorHandler(error -> stop.run());
    call.exceptionHandler(gone -> stop.run());
    call.response().exceptionHandler(gone -> stop.run());
    readable(call, "WatchOrder").compose(request -> begun.then(() -> requireOrderId(request))).onSuccess(orderId -> {
      OrderStatus[] lastSent = {null};
      desk.watch(orderId, order -> {
        if (ended[0] || order.getStatus() == lastSent[0]) {
          return;
        }
        lastSent[0] = order.getStatus();
        try {
          if (OrderBook.isTerminal(order)) {
            stop.run();
            call.response().end(order);
          } else {
            call.response().write(order);
          }
        } catch (IllegalStateException gone) {
          LOGGER.debug("{} watch of {} ended: {}", context.logTag(), LogSafe.quote(orderId), gone.getMessage());
          stop.run();
        }
      }).onSuccess(watch -> {
        subscription[0] = watch;
        if (ended[0]) {
          watch.stop();
        }
      }).onFailure(failure -> GrpcErrors.fail(call.response(), failure));
    }).onFailure(failure -> GrpcErrors.fail(call.response(), failure));
  }

  /** The call's request; bytes that are no request of its type are INVALID_ARGUMENT, not an internal error. */
  private static <Q> Future<Q> readable(GrpcServerRequest<Q, ?> call, String method) {
    return call.last().recover(failure -> {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof InvalidProtocolBufferException unreadable) {
          return Future.failedFuture(new OperationException(ErrorCode.INVALID_ARGUMENT,
              "the " + method + " request cannot be read: " + unreadable.getMessage()));
        }
      }
      return Future.failedFuture(failure);
    });
  }

  /** The order id of a lookup, within {@link OrderLimits#ORDER_ID} (an id beyond it is no order's). */
  private Future<String> requireOrderId(GetOrderRequest request) {
    return checked(OrderLimits.ORDER_ID, request.getOrderId());
  }

  private static Future<String> checked(TextLimit limit, String value) {
    try {
      return Future.succeededFuture(limit.check(value));
    } catch (OperationException invalid) {
      return Future.failedFuture(invalid);
    }
  }

  /**
   * The call's context: its correlation id (echoed back), and the deadline the client sent as
   * grpc-timeout. A correlation id beyond {@link CallContext#CORRELATION_ID} gets the call refused
   * (INVALID_ARGUMENT, before its request is looked at); the context then has a new id, echoed
   * back so that the client can find the refusal in the logs.
   */
  private static Begun begin(GrpcServerRequest<?, ?> call) {
    CallContext context;
    OperationException refusal = null;
    try {
      context = CallContext.fromOutside(call.headers().get(Envelope.CORRELATION_ID));
    } catch (OperationException invalid) {
      context = CallContext.begin(null);
      refusal = invalid;
    }
    if (call.timeout() > 0) {
      context = context.withDeadline(System.currentTimeMillis() + call.timeout());
    }
    call.response().headers().set(Envelope.CORRELATION_ID, context.correlationId());
    return new Begun(context, refusal);
  }

  /** A call's context, and why the call is refused before its request is handled (null: it is not). */
  private record Begun(CallContext context, OperationException refusal) {
    <T> Future<T> then(Supplier<Future<T>> handling) {
      return refusal != null ? Future.failedFuture(refusal) : handling.get();
    }
  }
}
