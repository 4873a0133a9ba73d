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

  /**
   * The status a client reports a failed call under: the server's status when it answered one; a
   * connection that could not be opened or was lost is UNAVAILABLE, as gRPC clients report it;
   * anything else UNKNOWN.
   */
  public static GrpcStatus statusOf(Throwable failure) {
    if (failure instanceof GrpcCallException call) {
      return call.status();
    }
    if (failure instanceof java.net.ConnectException || failure instanceof java.nio.channels.ClosedChannelException
        || failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof java.net.UnknownHostException) {
      return GrpcStatus.UNAVAILABLE;
    }
    return GrpcStatus.UNKNOWN;
  }
}
