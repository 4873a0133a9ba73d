package dev.switchboard.platform.transport;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.InternalSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The internal listener: this process's rpc operations ({@code switchboard.platform.v1.Operations/*})
 * and gRPC health, for the other processes of the deployment only, on a port apart from the public
 * edge ({@code internal.host}, {@code internal.port}). Every operation call must carry the shared
 * token as {@code authorization: Bearer <internal.token>}, compared in constant time; a call without
 * it is refused with UNAUTHENTICATED before its request is read. With {@code internal.tls.*} the
 * listener speaks TLS, and requires a client certificate signed by {@code internal.tls.caFile} when
 * one is given. Without a token it does not open at all.
 */
public final class InternalGrpcServer {

  /** The metadata key that carries the token. */
  public static final String AUTHORIZATION = "authorization";
  /** The scheme of its value: {@code Bearer <token>}. */
  public static final String BEARER = "Bearer ";

  private static final Logger LOGGER = LoggerFactory.getLogger(InternalGrpcServer.class);

  private final Vertx vertx;
  private final InternalSettings settings;
  private final byte[] token;
  // the server reads grpc-timeout into the call's deadline and answers DEADLINE_EXCEEDED itself when
  // it passes (with a message naming what it was waiting for), rather than resetting the stream
  private final GrpcServer grpc;
  private HttpServer server;

  InternalGrpcServer(Vertx vertx, InternalSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.token = settings.token().getBytes(StandardCharsets.US_ASCII);
    this.grpc = GrpcServer.server(vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(false));
  }

  /** Serves {@code method}: calls that carry the token reach {@code handler}; the others are refused. */
  void callHandler(ServiceMethod<Buffer, Buffer> method, Handler<GrpcServerRequest<Buffer, Buffer>> handler) {
    grpc.callHandler(method, call -> {
      String refusal = refusal(call.headers().get(AUTHORIZATION));
      if (refusal == null) {
        handler.handle(call);
        return;
      }
      LOGGER.debug("{} refused from {}: {}", call.fullMethodName(), call.connection().remoteAddress(), refusal);
      try {
        call.response().status(GrpcTransport.status(ErrorCode.UNAUTHENTICATED)).statusMessage(refusal).end();
      } catch (IllegalStateException gone) {
        LOGGER.debug("{} refusal not sent: {}", call.fullMethodName(), gone.getMessage());
      }
    });
  }

  /** Why a call with this {@code authorization} value is refused, or null when it carries the token. */
  private String refusal(String authorization) {
    if (authorization == null || !authorization.startsWith(BEARER)) {
      return "internal call without a token: send metadata '" + AUTHORIZATION + ": " + BEARER.trim()
          + " <" + InternalSettings.TOKEN + ">'";
    }
    byte[] presented = authorization.substring(BEARER.length()).getBytes(StandardCharsets.US_ASCII);
    // constant time in the length of the expected token: how much of a guess is right does not show
    return token.length > 0 && MessageDigest.isEqual(token, presented) ? null
        : "internal call with a wrong token: it must equal this process's " + InternalSettings.TOKEN;
  }

  /**
   * Opens the listener, when a token is configured; completes with its port, or -1 when it stays
   * closed. Health reports what {@code serving} says.
   */
  public Future<Integer> listen(BooleanSupplier serving) {
    if (!settings.enabled()) {
      LOGGER.info("internal listener closed: {} is not set, so this process's operations are not callable from"
          + " other processes", InternalSettings.TOKEN);
      return Future.succeededFuture(-1);
    }
    grpc.addService(GrpcHealth.service(vertx, Set.of(Operation.GRPC_SERVICE), serving));
    HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port());
    if (settings.tls()) {
      options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
          .setKeyPath(settings.keyFile().orElseThrow().toString())
          .setCertPath(settings.certFile().orElseThrow().toString()));
      settings.caFile().ifPresent(ca -> options.setClientAuth(ClientAuth.REQUIRED)
          .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    } else if (!settings.loopback()) {
      LOGGER.warn("internal listener on {} without TLS: the token and the operations travel in clear; set {} and {}",
          settings.host(), InternalSettings.KEY_FILE, InternalSettings.CERT_FILE);
    }
    server = vertx.createHttpServer(options).requestHandler(grpc);
    return server.listen().map(listening -> {
      LOGGER.info("internal gRPC listening on {}:{} ({}, {}; {})", settings.host(), listening.actualPort(),
          Operation.GRPC_SERVICE, GrpcHealth.serviceName(), settings.describe());
      return listening.actualPort();
    });
  }

  /** The listener's port, or -1 when it is closed. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** Stops taking new calls; those in flight have up to {@code drainMs} to finish. */
  public Future<Void> shutdown(long drainMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(drainMs, TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
