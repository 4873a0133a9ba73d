package dev.switchboard.platform;

import io.vertx.core.eventbus.ReplyException;

/**
 * The one failure shape of an operation, whatever its mode and transport. Handlers fail with it to
 * refuse a request; callers and sagas see it when a call fails.
 */
public final class OperationException extends RuntimeException {

  private final ErrorCode code;
  private final boolean delivered;
  private final boolean refused;

  public OperationException(ErrorCode code, String message) {
    this(code, message, true, false);
  }

  private OperationException(ErrorCode code, String message, boolean delivered, boolean refused) {
    super(message, null, false, false);
    this.code = code;
    this.delivered = delivered;
    this.refused = refused;
  }

  /** A failure to deliver the request at all (no connection, no handler): the callee certainly did nothing. */
  public static OperationException undelivered(ErrorCode code, String message) {
    return new OperationException(code, message, false, false);
  }

  /**
   * A call the caller's own policy refused to make (an open circuit breaker, a concurrency limit
   * reached): never sent, so the callee did nothing, and calling again at once cannot help.
   */
  public static OperationException refused(ErrorCode code, String message) {
    return new OperationException(code, message, false, true);
  }

  public ErrorCode code() {
    return code;
  }

  /** Whether the caller's own policy refused to make the call ({@link #refused}). */
  public boolean refused() {
    return refused;
  }

  /**
   * Whether the callee may have applied the effect although the caller saw a failure (a timeout, a
   * connection lost mid-call), so that a saga must compensate the failed step too. A request that
   * was never delivered had no effect.
   */
  public boolean outcomeUncertain() {
    return delivered && code.outcomeUncertain();
  }

  /** Maps whatever a call failed with to the platform's error shape, in this one place. */
  public static OperationException from(String operation, Throwable failure) {
    if (failure instanceof OperationException known) {
      return known;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> new OperationException(ErrorCode.DEADLINE_EXCEEDED, operation + ": no reply within the deadline");
        case NO_HANDLERS -> undelivered(ErrorCode.UNAVAILABLE, operation + ": no handler is serving it");
        default -> new OperationException(ErrorCode.fromCode(reply.failureCode()), reply.getMessage());
      };
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new OperationException(ErrorCode.INTERNAL, operation + ": " + message);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
