package dev.switchboard.platform;

import dev.switchboard.platform.transport.Envelope;

/**
 * A message the platform gives up on: undecodable (poison), or still failing after its retries. The
 * transport moves it to the dead-letter destination with the reason and the attempt count, then
 * goes on with the next message. {@link #result()} is the failure result already published for it,
 * if any, so that a redelivered copy is answered the same way.
 */
public final class DeadLetterException extends RuntimeException {

  private final OperationException reason;
  private final int attempts;
  private final transient Envelope result;

  public DeadLetterException(OperationException reason, int attempts, Envelope result) {
    super(reason.getMessage(), reason, false, false);
    this.reason = reason;
    this.attempts = attempts;
    this.result = result;
  }

  public OperationException reason() {
    return reason;
  }

  public int attempts() {
    return attempts;
  }

  public Envelope result() {
    return result;
  }
}
