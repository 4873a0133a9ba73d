package dev.switchboard.platform.transport;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.InternalSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.policy.CircuitBreakers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * rpc mode across processes: the caller sends the request over gRPC (HTTP/2) to the internal listener
 * of the process that serves the operation ({@code operations.<name>.target}, several used in turn),
 * at {@code switchboard.platform.v1.Operations/<operation>}, with the shared token
 * ({@code internal.token}) and over TLS when {@code internal.tls.*} is set; every process serves its
 * rpc operations there ({@link InternalGrpcServer}). The envelope's headers travel as metadata, the call's deadline as {@code grpc-timeout}, and
 * failures come back as gRPC statuses: UNAVAILABLE when the callee cannot be reached or goes away,
 * DEADLINE_EXCEEDED when no reply came in time, the handler's own code otherwise. Connections are
 * made again on the next call, so a callee that restarts is found again without restarting the caller.
 * Each target has its own circuit breaker when the operation has one ({@code breaker.failures}): a
 * target whose breaker is open is skipped like one that cannot be reached.
 */
public final class GrpcTransport implements RpcTransport {

  private static final Logger LOGGER = LoggerFactory.getLogger(GrpcTransport.class);

  private final PlatformConfig config;
  private final CircuitBreakers breakers;
  private final GrpcClient client;
  private final InternalGrpcServer server;
  private final String authorization;
  private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();

  public GrpcTransport(Vertx vertx, PlatformConfig config, CircuitBreakers breakers) {
    this.config = config;
    this.breakers = breakers;
    InternalSettings internal = config.internal();
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true),
        clientOptions(internal));
    this.server = new InternalGrpcServer(vertx, internal);
    this.authorization = InternalGrpcServer.BEARER + internal.token();
  }

  /**
   * HTTP/2 to the other processes' internal listeners: over TLS when {@code internal.tls.*} is set,
   * trusting {@code internal.tls.caFile} (else the JVM's trusted CAs) and presenting this process's
   * certificate for mutual TLS.
   */
  private static HttpClientOptions clientOptions(InternalSettings internal) {
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setConnectTimeout(2_000);
    if (internal.tls()) {
      options.setSsl(true).setUseAlpn(true);
      internal.caFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
          .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(internal.keyFile().orElseThrow().toString())
              .setCertPath(internal.certFile().orElseThrow().toString())));
    }
    return options;
  }

  /** The internal listener of this process: the platform serves its rpc operations on it; the node opens it. */
  public InternalGrpcServer server() {
    return server;
  }

  @Override
  public Future<Buffer> request(String operation, Envelope request, long timeoutMs) {
    List<String> targets = config.operation(operation).targets();
    if (targets.isEmpty()) {
      return Future.failedFuture(OperationException.undelivered(ErrorCode.UNAVAILABLE,
          operation + ": no gRPC target configured (operations." + operation + ".target)"));
    }
    int first = Math.floorMod(turns.computeIfAbsent(operation, name -> new AtomicInteger()).getAndIncrement(),
        targets.size());
    return attempt(operation, request, timeoutMs, targets, first, 0, System.nanoTime());
  }

  /** Calls one target; one that cannot be reached is skipped for the next, until every target was tried. */
  private Future<Buffer> attempt(String operation, Envelope request, long timeoutMs, List<String> targets, int first,
                                 int tried, long started) {
    String target = targets.get((first + tried) % targets.size());
    long left = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int colon = target.lastIndexOf(':');
    SocketAddress address = SocketAddress.inetSocketAddress(Integer.parseInt(target.substring(colon + 1)),
        target.substring(0, colon));
    Future<Buffer> call = breakers.call(operation, target, () -> client.request(address)
        .recover(unreachable -> Future.failedFuture(OperationException.undelivered(ErrorCode.UNAVAILABLE,
            operation + ": " + target + " unavailable (" + unreachable.getMessage() + ")")))
        .compose(grpc -> {
          grpc.fullMethodName(Operation.grpcMethod(operation));
          request.headers().forEach(header -> grpc.headers().add(header.getKey(), header.getValue()));
          grpc.headers().set(InternalGrpcServer.AUTHORIZATION, authorization);
          grpc.timeout(Math.max(left, 1), TimeUnit.MILLISECONDS);
          return grpc.send(request.body()).compose(response -> reply(operation, target, response));
        })
        .recover(failure -> Future.failedFuture(failure instanceof OperationException known ? known
            : transportFailure(operation, target, failure, timeoutMs, System.nanoTime() - started))));
    return call.recover(failure -> {
      boolean undelivered = failure instanceof OperationException known && !known.outcomeUncertain()
          && known.code() == ErrorCode.UNAVAILABLE;
      if (undelivered && tried + 1 < targets.size()) {
        LOGGER.debug("{}: {}; trying the next target", operation, failure.getMessage());
        return attempt(operation, request, timeoutMs, targets, first, tried + 1, started);
      }
      return Future.failedFuture(failure);
    });
  }

  private static Future<Buffer> reply(String operation, String target, GrpcClientResponse<Buffer, Buffer> response) {
    return response.last().recover(failure -> {
      GrpcStatus status = response.status();
      if (status != null && status != GrpcStatus.OK) {
        String message = response.statusMessage() == null || response.statusMessage().isBlank()
            ? operation + ": " + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (" + target + ")"
            : response.statusMessage();
        return Future.failedFuture(new OperationException(ErrorCode.fromCode(status.code), message));
      }
      return Future.failedFuture(failure);
    });
  }

  private static OperationException transportFailure(String operation, String target, Throwable failure,
                                                     long timeoutMs, long elapsedNanos) {
    if (TimeUnit.NANOSECONDS.toMillis(elapsedNanos) >= timeoutMs) {
      return new OperationException(ErrorCode.DEADLINE_EXCEEDED,
          operation + ": deadline exceeded, no reply from " + target + " within " + timeoutMs + " ms");
    }
    String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new OperationException(ErrorCode.UNAVAILABLE, operation + ": " + target + " unavailable (" + why + ")");
  }

  @Override
  public Future<Void> serve(String operation, Function<Envelope, Future<Buffer>> handler) {
    String method = Operation.grpcMethod(operation);
    int slash = method.indexOf('/');
    ServiceMethod<Buffer, Buffer> serviceMethod = ServiceMethod.server(ServiceName.create(method.substring(0, slash)),
        method.substring(slash + 1), GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);
    server.callHandler(serviceMethod, call -> handle(operation, call, handler));
    return Future.succeededFuture();
  }

  private static void handle(String operation, GrpcServerRequest<Buffer, Buffer> call,
                             Function<Envelope, Future<Buffer>> handler) {
    long timeout = call.timeout(); // what the caller's grpc-timeout left, when it sent one
    long deadline = timeout > 0 ? System.currentTimeMillis() + timeout : 0;
    call.last().compose(body -> {
      Envelope received = Envelope.fromHeaders(body, call.headers());
      // across a process boundary only the relative grpc-timeout counts: the caller's absolute
      // x-deadline would carry its clock's skew
      Envelope envelope = new Envelope(received.body(), received.context().withDeadline(0).withDeadline(deadline),
          received.failure(), received.sentAtMs());
      call.response().headers().set(Envelope.CORRELATION_ID, envelope.context().correlationId());
      return handler.apply(envelope);
    }).onComplete(outcome -> {
      try {
        if (outcome.succeeded()) {
          call.response().end(outcome.result());
          return;
        }
        OperationException failure = OperationException.from(operation, outcome.cause());
        LOGGER.debug("{} over gRPC failed: {}", operation, failure.getMessage());
        call.response().status(status(failure.code())).statusMessage(failure.getMessage()).end();
      } catch (IllegalStateException gone) {
        // the caller cancelled or its deadline passed: nobody is waiting for this answer
        LOGGER.debug("{} answer not sent: {}", operation, gone.getMessage());
      }
    });
  }

  /** The gRPC status of an error code (the codes are gRPC's: one mapping for every gRPC server here). */
  public static GrpcStatus status(ErrorCode code) {
    return GrpcStatus.valueOf(code.code());
  }

  /** Closes the internal listener (if the node has not already) and the client. */
  public Future<Void> close() {
    return server.close().eventually(client::close);
  }
}
