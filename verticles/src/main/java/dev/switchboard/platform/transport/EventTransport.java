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

  /**
   * Consumes the operation's result events as one of its result consumers: each result reaches one
   * process among those consuming them (on Kafka, one group for the saga owners of every replica), so
   * that it is acted on once.
   */
  Future<Void> consumeResults(String operation, Handler<Envelope> handler);

  /**
   * Listens, in this process, to every result event of the operation from now on, whichever process
   * consumes it too: for callers waiting here for the result of a command that any replica may
   * handle. Nothing is redelivered to a listener.
   */
  Future<Void> listenResults(String operation, Handler<Envelope> handler);

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
