package dev.switchboard.edge;

import dev.switchboard.platform.OperationException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;

/** The one place where failures become gRPC statuses. */
final class GrpcErrors {

  private GrpcErrors() {
  }

  static GrpcStatus status(Throwable failure) {
    if (failure instanceof OperationException known) {
      return switch (known.code()) {
        case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
        case NOT_FOUND -> GrpcStatus.NOT_FOUND;
        case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
        case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
        case DEADLINE_EXCEEDED -> GrpcStatus.DEADLINE_EXCEEDED;
        case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
        case INTERNAL -> GrpcStatus.INTERNAL;
      };
    }
    return GrpcStatus.INTERNAL;
  }

  static void fail(GrpcServerResponse<?, ?> response, Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    response.status(status(failure)).statusMessage(message).end();
  }
}
