package dev.switchboard.platform;

import java.util.Optional;

/**
 * What a caller gets back from invoking an operation. In rpc mode the invocation is
 * {@link Completed} with the handler's reply; in event mode it is {@link Accepted} as soon as the
 * command is published, and the reply arrives later as a result event.
 */
public sealed interface Invocation<R> {

  /** The id of the command message this invocation sent. */
  String messageId();

  /** The reply, when the invocation completed synchronously. */
  Optional<R> reply();

  record Completed<R>(String messageId, R value) implements Invocation<R> {
    @Override
    public Optional<R> reply() {
      return Optional.of(value);
    }
  }

  record Accepted<R>(String messageId) implements Invocation<R> {
    @Override
    public Optional<R> reply() {
      return Optional.empty();
    }
  }
}
