package dev.switchboard.platform.store;

/**
 * A message's processed record could not be inserted because one is there already: another
 * delivery of the same message (a redelivery, a second process) recorded it first. The
 * transaction that tried is rolled back, so its effect is not applied twice.
 */
public final class DuplicateMessageException extends RuntimeException {

  public DuplicateMessageException(String consumer, String messageId) {
    super(consumer + ": message " + messageId + " was processed already", null, false, false);
  }
}
