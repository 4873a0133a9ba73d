package dev.switchboard.edge;

import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.transport.GrpcTransport;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;

/** The one place where failures become gRPC statuses. */
final class GrpcErrors {

  private GrpcErrors() {
  }

  static GrpcStatus status(Throwable failure) {
    return failure instanceof OperationException known ? GrpcTransport.status(known.code()) : GrpcStatus.INTERNAL;
  }

  static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    response.status(status(failure)).statusMessage(message).end();
  }
}
