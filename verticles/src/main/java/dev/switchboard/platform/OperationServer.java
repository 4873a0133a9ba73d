package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Puts a handler where its operation's mode needs it: rpc requests on the event bus and over gRPC
 * (the callers' transport decides how they come); commands, or a subscriber's stream events, on
 * the configured event transport through the {@link ConsumerPipeline}. Events are deduplicated by
 * message id in both modes; commands in event mode.
 */
final class OperationServer {

  private static final Logger LOGGER = LoggerFactory.getLogger(OperationServer.class);

  private final PlatformConfig config;
  private final Transports transports;
  private final Database store;
  private final ProcessedMessages processed;
  private final HandlerRunner runner;
  private final ConsumerPipeline pipeline;

  OperationServer(PlatformConfig config, Transports transports, Database store, ProcessedMessages processed,
                  HandlerRunner runner, ConsumerPipeline pipeline) {
    this.config = config;
    this.transports = transports;
    this.store = store;
    this.processed = processed;
    this.runner = runner;
    this.pipeline = pipeline;
  }

  <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation, OperationHandler<Q, R> handler) {
    return serve(operation, handler, false);
  }

  /**
   * The handler runs in one transaction on the store's thread; where messages are deduplicated the
   * message is recorded as processed (with its result event) in that same transaction, so an effect
   * is never recorded without its message or the other way round.
   */
  <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                        TransactionalHandler<Q, R> handler) {
    boolean recorded = deduplicated(operation);
    OperationHandler<Q, R> inTransaction = (request, context) -> store.transaction(connection -> {
      R reply = handler.handle(request, context, connection);
      if (recorded) {
        processed.record(connection, operation.name(), context.messageId(),
            operation.stream().isPresent() ? null : ConsumerPipeline.successResult(context, reply));
      }
      return reply;
    });
    return serve(operation, inTransaction, recorded);
  }

  private boolean deduplicated(Operation<?, ?> operation) {
    return config.operation(operation.name()).mode() == Mode.EVENT || operation.stream().isPresent();
  }

  private <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                                OperationHandler<Q, R> handler,
                                                                boolean recordedByHandler) {
    OperationSettings settings = config.operation(operation.name());
    LOGGER.info("serving {}", settings.describe());
    if (settings.mode() == Mode.RPC) {
      Function<Envelope, Future<Buffer>> serving = operation.stream().isPresent()
          ? event -> pipeline.handleEventRequest(operation, handler, event, recordedByHandler)
          : request -> runner.run(operation, handler, request, settings).map(reply -> Buffer.buffer(reply.toByteArray()));
      return Future.all(transports.rpc(Transport.LOCAL).serve(operation.name(), serving),
          transports.rpc(Transport.GRPC).serve(operation.name(), serving)).mapEmpty();
    }
    return operation.stream().isPresent()
        ? pipeline.consumeEvents(operation, handler, recordedByHandler)
        : pipeline.consumeCommands(operation, handler, recordedByHandler);
  }
}
