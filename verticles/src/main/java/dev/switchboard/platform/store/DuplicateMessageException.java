package dev.switchboard.platform.store;

import dev.switchboard.platform.transport.Envelope;

import java.util.Optional;

/**
 * A message was processed already: its processed record is there, found by the handler's own
 * transaction ({@link ProcessedMessages#handleOnce}, the record read and carried here), or found by the
 * primary key refusing a second record (another delivery, a second process, recorded it first; the
 * record not read). The transaction that tried is rolled back, so its effect is not applied twice.
 */
public final class DuplicateMessageException extends RuntimeException {

  private final transient Optional<Envelope> recordedResult;
  private final boolean recordRead;

  /** The primary key refused a second record; the record itself was not read. */
  public DuplicateMessageException(String consumer, String messageId) {
    this(consumer, messageId, null);
  }

  /** The record was found before the handler ran: {@code recordedResult} is the result event it keeps, if any. */
  public DuplicateMessageException(String consumer, String messageId, Optional<Envelope> recordedResult) {
    super(consumer + ": message " + messageId + " was processed already", null, false, false);
    this.recordedResult = recordedResult;
    this.recordRead = recordedResult != null;
  }

  /** Whether the record was read (then {@link #recordedResult} tells what it keeps). */
  public boolean recordRead() {
    return recordRead;
  }

  /** The result event recorded for the message, if any; empty when the record was not read. */
  public Optional<Envelope> recordedResult() {
    return recordRead ? recordedResult : Optional.empty();
  }
}
