package dev.switchboard.platform;

/**
 * A message the platform gives up on: undecodable (poison), or still failing after its retries. The
 * transport moves it to the dead-letter destination with the reason and the attempt count, then
 * goes on with the next message.
 */
public final class DeadLetterException extends RuntimeException {

  private final OperationException reason;
  private final int attempts;

  public DeadLetterException(OperationException reason, int attempts) {
    super(reason.getMessage(), reason, false, false);
    this.reason = reason;
    this.attempts = attempts;
  }

  public OperationException reason() {
    return reason;
  }

  public int attempts() {
    return attempts;
  }
}
