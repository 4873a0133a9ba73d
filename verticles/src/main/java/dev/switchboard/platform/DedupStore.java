package dev.switchboard.platform;

import dev.switchboard.platform.transport.Envelope;

import java.util.Optional;

/**
 * What a consumer remembers of the messages it has handled, by message id, so that a redelivered
 * command changes nothing twice and gets the same result event again.
 */
public interface DedupStore {

  /** The state of a message id for one consumer. */
  sealed interface Seen {
    record New() implements Seen { }

    record InProgress() implements Seen { }

    record Done(Optional<Envelope> result) implements Seen { }
  }

  /** Claims the message for handling; tells what was seen before if it was not new. */
  Seen claim(String consumer, String messageId);

  /** Records that the message was handled, with the result event it produced, if any. */
  void complete(String consumer, String messageId, Envelope result);

  /** Forgets a claim whose handling failed before any effect, so a redelivery runs again. */
  void release(String consumer, String messageId);
}
