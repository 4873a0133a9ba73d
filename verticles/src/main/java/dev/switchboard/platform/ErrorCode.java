package dev.switchboard.platform;

/**
 * Why an operation failed, in the vocabulary every edge understands (the names match gRPC status
 * codes). The numeric code travels as the event bus failure code and in result-event headers.
 */
public enum ErrorCode {
  /** The request is malformed; retrying it cannot help. */
  INVALID_ARGUMENT(3, false),
  NOT_FOUND(5, false),
  /** The request conflicts with an earlier one (an idempotency key reused for another request). */
  ALREADY_EXISTS(6, false),
  /** The caller may not call this here (an internal method called on the public port); nothing was done. */
  PERMISSION_DENIED(7, false),
  /** The call did not carry valid credentials (the internal token); it was refused unread. */
  UNAUTHENTICATED(16, false),
  /** Refused unrun: the callee is over its capacity and could not start the call in time. */
  RESOURCE_EXHAUSTED(8, false),
  /** A business rule refused the request (out of stock, payment declined). */
  FAILED_PRECONDITION(9, false),
  /** No reply within the deadline: the outcome is unknown. */
  DEADLINE_EXCEEDED(4, true),
  /** Nobody serves the operation right now: the outcome is unknown only if it was delivered. */
  UNAVAILABLE(14, true),
  /** The handler failed unexpectedly. */
  INTERNAL(13, true);

  private final int code;
  private final boolean outcomeUncertain;

  ErrorCode(int code, boolean outcomeUncertain) {
    this.code = code;
    this.outcomeUncertain = outcomeUncertain;
  }

  public int code() {
    return code;
  }

  /**
   * Whether the callee may have applied the effect although the caller saw a failure, so that a
   * saga must compensate the failed step as well.
   */
  public boolean outcomeUncertain() {
    return outcomeUncertain;
  }

  public static ErrorCode fromCode(int code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code == code) {
        return candidate;
      }
    }
    return INTERNAL;
  }
}
