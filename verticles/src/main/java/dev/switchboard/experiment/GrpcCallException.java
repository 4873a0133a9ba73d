package dev.switchboard.experiment;

import io.vertx.grpc.common.GrpcStatus;

/** A gRPC call that ended with a status other than OK, with the server's status message. */
public final class GrpcCallException extends RuntimeException {

  private final GrpcStatus status;

  public GrpcCallException(GrpcStatus status, String message) {
    super(status + ": " + message, null, false, false);
    this.status = status;
  }

  public GrpcStatus status() {
    return status;
  }
}
