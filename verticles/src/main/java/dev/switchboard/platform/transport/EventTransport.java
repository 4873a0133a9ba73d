package dev.switchboard.platform.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.function.Function;

/**
 * Carries an operation in event mode: commands taken by one consumer, result events and stream
 * events seen by every listener.
 */
public interface EventTransport {

  /** Publishes a command; completes once the transport has accepted it. */
  Future<Void> sendCommand(String operation, Envelope command);

  /** Consumes the operation's commands; the handler's future completes when the work is done. */
  Future<Void> consumeCommands(String operation, Function<Envelope, Future<Void>> handler);

  Future<Void> publishResult(String operation, Envelope result);

  Future<Void> consumeResults(String operation, Handler<Envelope> handler);

  /** Publishes a domain event to every event-mode subscriber of the stream. */
  Future<Void> publishEvent(String stream, Envelope event);

  /** Consumes a stream on behalf of one subscriber operation. */
  Future<Void> consumeEvents(String stream, String subscriber, Function<Envelope, Future<Void>> handler);

  /**
   * Whether the transport keeps the dead letters it is handed (Kafka: the {@code .dlq} topics); the
   * platform keeps, in its store, those of a transport that keeps nothing (the event bus).
   */
  boolean keepsDeadLetters();
}
