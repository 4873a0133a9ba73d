package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.DuplicateMessageException;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Puts a handler on every path its operation may be called by, whatever its mode now: rpc requests
 * on the event bus and over gRPC (the callers' transport decides how they come); commands, or a
 * subscriber's stream events, through the {@link ConsumerPipeline} on the event bus and on the
 * operation's event path. So a caller flipped to another mode, or degrading a call to an event, is
 * always heard, and what was sent the old way before a flip is still handled. Messages are deduplicated by
 * message id: events in both modes; commands in event mode, and in rpc mode too when their handler
 * is transactional (a request sent again with the same id gets the reply recorded the first time).
 * Injected faults may deliver a message twice, or switch deduplication off.
 */
final class OperationServer {

  private static final Logger LOGGER = LoggerFactory.getLogger(OperationServer.class);

  private final LiveSettings live;
  private final Transports transports;
  private final Database store;
  private final ProcessedMessages processed;
  private final HandlerRunner runner;
  private final ConsumerPipeline pipeline;
  private final Faults faults;
  private final SwitchboardMetrics metrics;

  OperationServer(LiveSettings live, Transports transports, Database store, ProcessedMessages processed,
                  HandlerRunner runner, ConsumerPipeline pipeline, Faults faults, SwitchboardMetrics metrics) {
    this.live = live;
    this.transports = transports;
    this.store = store;
    this.processed = processed;
    this.runner = runner;
    this.pipeline = pipeline;
    this.faults = faults;
    this.metrics = metrics;
  }

  /** A plain handler, for an operation not declared {@link Handling#TRANSACTIONAL}. */
  <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation, OperationHandler<Q, R> handler) {
    if (operation.handling() == Handling.TRANSACTIONAL) {
      return Future.failedFuture(new IllegalStateException("operation " + operation + " is declared "
          + Handling.TRANSACTIONAL.spelling() + " but served with a plain OperationHandler: serve it with a"
          + " TransactionalHandler, or declare how its handler takes a message twice (Operation.handled)"));
    }
    return serve(operation, handler, false);
  }

  /**
   * The handler runs in one transaction on the store's thread, and the message is recorded as
   * processed (with its result event) in that same transaction, so an effect is never recorded
   * without its message or the other way round; the record's primary key refuses a second
   * execution of the same message, effect included. Unless deduplication is switched off (an
   * injected fault): then nothing is recorded and a duplicate takes effect again. (An rpc request
   * without a message id, or with one too long to keep, cannot be recorded and is not deduplicated.)
   * Only for an operation declared {@link Handling#TRANSACTIONAL}.
   */
  <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                        TransactionalHandler<Q, R> handler) {
    if (operation.handling() != Handling.TRANSACTIONAL) {
      return Future.failedFuture(new IllegalStateException("operation " + operation + " is declared "
          + operation.handling().spelling() + " but served with a TransactionalHandler: declare it "
          + Handling.TRANSACTIONAL.spelling() + " (Operation.handled), so that the pre-flip check knows it"));
    }
    OperationHandler<Q, R> inTransaction = (request, context) -> store.transaction(connection ->
        faults.deduplicates(operation.name()) && ProcessedMessages.recordable(context.messageId())
            // a message handled before is refused in the handler's own transaction: no separate read first
            ? processed.handleOnce(connection, operation.name(), context.messageId(),
                recording -> handler.handle(request, context, recording),
                reply -> operation.stream().isPresent() ? null : ConsumerPipeline.successResult(context, reply))
            : handler.handle(request, context, connection));
    return serve(operation, inTransaction, true);
  }

  private <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                                OperationHandler<Q, R> handler,
                                                                boolean recordedByHandler) {
    OperationSettings settings = live.get(operation.name());
    LOGGER.info("serving {}", settings.describe());
    List<Future<Void>> serving = new ArrayList<>();
    for (Transport rpc : List.of(Transport.LOCAL, Transport.GRPC)) {
      serving.add(transports.rpc(rpc).serve(operation.name(), request -> {
        OperationSettings arrived = live.get(operation.name()).arrivedAs(Mode.RPC, rpc);
        return maybeTwice(operation, arrived, serving(operation, handler, recordedByHandler, arrived), request);
      }));
    }
    for (Transport path : Transports.eventPaths(settings)) {
      serving.add(operation.stream().isPresent()
          ? pipeline.consumeEvents(operation, handler, recordedByHandler, path)
          : pipeline.consumeCommands(operation, handler, recordedByHandler, path));
    }
    return Future.all(serving).mapEmpty();
  }

  /** How an rpc request that arrived as {@code arrived} is served. */
  private <Q extends Message, R extends Message> Function<Envelope, Future<Buffer>> serving(
      Operation<Q, R> operation, OperationHandler<Q, R> handler, boolean recordedByHandler,
      OperationSettings arrived) {
    if (operation.stream().isPresent()) {
      return event -> pipeline.handleEventRequest(operation, handler, event, recordedByHandler, arrived);
    }
    if (recordedByHandler) {
      return request -> runOnce(operation, handler, request, arrived);
    }
    return request -> runner.run(operation, handler, request, arrived).map(reply -> Buffer.buffer(reply.toByteArray()));
  }

  /**
   * An rpc request to a handler that records its message: a second execution of the same message
   * (a caller sending it again after a lost reply, a saga resuming its step) is refused by the
   * record's primary key, effect included, and answered with the reply recorded the first time.
   */
  private <Q extends Message, R extends Message> Future<Buffer> runOnce(Operation<Q, R> operation,
                                                                      OperationHandler<Q, R> handler,
                                                                      Envelope request, OperationSettings settings) {
    return runner.run(operation, handler, request, settings).map(reply -> Buffer.buffer(reply.toByteArray()))
        .recover(failure -> failure instanceof DuplicateMessageException duplicate
            ? recordedReply(operation, request.context(), duplicate)
            : Future.failedFuture(failure));
  }

  /** The reply recorded for a duplicate: the one its refusal carries, else read from the record. */
  private Future<Buffer> recordedReply(Operation<?, ?> operation, CallContext context,
                                      DuplicateMessageException duplicate) {
    Future<Optional<Envelope>> recorded = duplicate.recordRead()
        ? Future.succeededFuture(duplicate.recordedResult())
        : processed.recorded(operation.name(), context.messageId())
            .map(found -> found.flatMap(ProcessedMessages.Seen.Done::result));
    return recorded.compose(result -> {
      if (result.isEmpty()) {
        return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, operation.name()
            + ": handled before, and its reply is no longer kept; try again"));
      }
      LOGGER.debug("{} {} duplicate msg={} answered with its recorded reply", context.logTag(), operation,
          context.messageId());
      return result.get().isFailure() ? Future.failedFuture(result.get().failure())
          : Future.succeededFuture(result.get().body());
    });
  }

  /**
   * Serves the request, and at the operation's injected {@code duplicateRate} serves it a second
   * time once the first is answered, discarding that answer: a client that retries after losing the
   * reply, with the same message id.
   */
  private Future<Buffer> maybeTwice(Operation<?, ?> operation, OperationSettings settings,
                                    Function<Envelope, Future<Buffer>> serving, Envelope request) {
    Future<Buffer> first = metrics.handling(operation.name(), serving.apply(request));
    if (faults.duplicate(operation.name())) {
      metrics.recordInjectedDuplicate(operation.name(), settings.transport().spelling());
      first.onComplete(answered -> metrics.handling(operation.name(), serving.apply(request)).onComplete(again -> LOGGER.debug(
          "{} {} injected duplicate of msg={} {}", request.context().logTag(), operation,
          request.context().messageId(), again.succeeded() ? "answered (discarded)" : "failed: "
              + again.cause().getMessage())));
    }
    return first;
  }
}
