package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.EventTransport;
import dev.switchboard.platform.transport.GrpcTransport;
import dev.switchboard.platform.transport.KafkaEventTransport;
import dev.switchboard.platform.transport.LocalTransport;
import dev.switchboard.platform.transport.RpcTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform as services see it. Callers {@link #invoke} an operation and handlers
 * {@link #serve} it, the same code whatever the operation's configured mode and transport:
 * <ul>
 *   <li>rpc: the invocation completes with the reply; failures (timeout, unavailable, handler
 *       error) reach the caller at once;</li>
 *   <li>event: the invocation is accepted once the transport has the command; the handler runs
 *       when a consumer takes it, deduplicated by message id, and its outcome is published as a
 *       result event to whoever listens with {@link #onResult}.</li>
 * </ul>
 * Domain events are {@link #emit emitted} to every subscriber of a stream: in event mode through
 * the transport, without the producer knowing who listens; in rpc mode by calling each subscriber
 * and waiting for all.
 */
public final class Switchboard {

  private static final Logger LOGGER = LoggerFactory.getLogger(Switchboard.class);

  private final OperationCatalog catalog;
  private final PlatformConfig config;
  private final SwitchboardMetrics metrics;
  private final Faults faults;
  private static final long PURGE_EVERY_MS = 3_600_000;

  private final Database store;
  private final long purgeTimer;
  private final ProcessedMessages processed;
  private final Vertx vertx;
  private final KafkaEventTransport kafka;
  private final GrpcTransport grpc;
  private final Map<String, Promise<OperationResult<?>>> awaiting = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> resultWaiters = new ConcurrentHashMap<>();
  private final Map<Transport, RpcTransport> rpcTransports = new EnumMap<>(Transport.class);
  private final Map<Transport, EventTransport> eventTransports = new EnumMap<>(Transport.class);

  private Switchboard(Vertx vertx, OperationCatalog catalog, PlatformConfig config, SwitchboardMetrics metrics,
                      Database store, ProcessedMessages processed) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.config = config;
    this.metrics = metrics;
    this.faults = new Faults(vertx);
    this.store = store;
    this.processed = processed;
    LocalTransport local = new LocalTransport(vertx.eventBus(), 10_000);
    rpcTransports.put(Transport.LOCAL, local);
    eventTransports.put(Transport.LOCAL, local);
    this.grpc = new GrpcTransport(vertx, config);
    rpcTransports.put(Transport.GRPC, grpc);
    this.kafka = config.uses(Transport.KAFKA) ? new KafkaEventTransport(vertx, config, metrics.registry()) : null;
    if (kafka != null) {
      eventTransports.put(Transport.KAFKA, kafka);
    }
    config.operations().forEach((name, settings) -> faults.set(name, settings.faults()));
    this.purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, tick -> processed.purge(config.store().processedRetentionMs())
        .onSuccess(purged -> {
          if (purged > 0) {
            LOGGER.info("forgot {} processed-message records older than {} h", purged,
                config.store().processedRetentionMs() / 3_600_000);
          }
        }));
  }

  /** Opens the store the configuration names, then the transports. */
  public static Future<Switchboard> create(Vertx vertx, OperationCatalog catalog, PlatformConfig config,
                                           SwitchboardMetrics metrics) {
    return Database.open(vertx, config.store()).compose(store -> ProcessedMessages.create(store)
        .map(processed -> new Switchboard(vertx, catalog, config, metrics, store, processed))
        .recover(failure -> store.close().transform(closed -> Future.failedFuture(failure))));
  }

  /** Closes the transports' clients (Kafka producers and consumers, committing what is done), then the store. */
  public Future<Void> close() {
    vertx.cancelTimer(purgeTimer);
    // consumers first (they commit what is done); then the store, so that work still running fails
    // there and resumes after a restart; the rpc client last, so no such work is refused as UNAVAILABLE
    Future<Void> consumers = kafka == null ? Future.succeededFuture() : kafka.close();
    return consumers.eventually(store::close).eventually(grpc::close);
  }

  /**
   * The internal listener of this process: the platform serves every rpc operation of this process
   * on it (for callers whose transport is grpc); the node opens it, apart from the public edge.
   */
  public dev.switchboard.platform.transport.InternalGrpcServer internalServer() {
    return grpc.server();
  }

  /** The durable store, for services' own state. */
  public Database store() {
    return store;
  }

  public PlatformConfig config() {
    return config;
  }

  public SwitchboardMetrics metrics() {
    return metrics;
  }

  /** The faults injected in front of handlers, changeable at run time. */
  public Faults faults() {
    return faults;
  }

  public OperationSettings settings(Operation<?, ?> operation) {
    return config.operation(operation.name());
  }

  // ---------------------------------------------------------------- callers

  /** Invokes an operation with a new message id. */
  public <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                         CallContext context) {
    return invoke(operation, request, context, CallContext.newId());
  }

  /**
   * Invokes an operation with a message id of the caller's choosing: a caller that may send the
   * same command again (a saga resuming a step) gives the same id, so consumers deduplicate it.
   */
  public <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                         CallContext context, String messageId) {
    OperationSettings settings = settings(operation);
    CallContext outbound = context.withMessageId(messageId);
    long started = System.nanoTime();
    Future<Invocation<R>> invocation;
    if (settings.mode() == Mode.RPC) {
      // the call gets its own deadline, or what is left of the chain's, whichever comes first
      long timeoutMs = Math.min(settings.timeoutMs(), outbound.remainingMs());
      Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound);
      LOGGER.debug("{} {} -> rpc/{} msg={}", outbound.logTag(), operation, settings.transport().spelling(), messageId);
      invocation = timeoutMs <= 0
          ? Future.failedFuture(OperationException.undelivered(ErrorCode.DEADLINE_EXCEEDED,
              operation.name() + ": not called, the deadline of the request had passed"))
          : rpc(settings.transport()).request(operation.name(), envelope, timeoutMs).map(reply ->
              (Invocation<R>) new Invocation.Completed<>(messageId, operation.parseReply(reply.getBytes())));
    } else {
      // an event waits for its consumer as long as it takes: a caller's deadline does not travel with it
      Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound.withDeadline(0));
      LOGGER.debug("{} {} -> event/{} msg={}", outbound.logTag(), operation, settings.transport().spelling(), messageId);
      invocation = events(settings.transport()).sendCommand(operation.name(), envelope)
          .map(accepted -> (Invocation<R>) new Invocation.Accepted<R>(messageId));
    }
    return invocation
        .recover(failure -> Future.failedFuture(callFailure(operation, settings, failure)))
        .onComplete(outcome -> {
          String tag = outcome.succeeded()
              ? (outcome.result() instanceof Invocation.Accepted ? "accepted" : "completed")
              : outcomeTag(outcome.cause());
          metrics.recordCall(operation.name(), settings.mode().spelling(), settings.transport().spelling(), tag,
              System.nanoTime() - started);
          if (outcome.failed()) {
            LOGGER.debug("{} {} failed: {}", outbound.logTag(), operation, outcome.cause().getMessage());
          }
        });
  }

  /**
   * Invokes an operation and waits for its reply in either mode: in event mode, for the result event
   * of this command (request/reply over events), within the operation's {@code timeoutMs}. For
   * callers that must answer someone now, such as an edge serving a unary call.
   */
  public <Q extends Message, R extends Message> Future<R> call(Operation<Q, R> operation, Q request,
                                                               CallContext context) {
    OperationSettings settings = settings(operation);
    if (settings.mode() == Mode.RPC) {
      return invoke(operation, request, context).map(invocation -> invocation.reply().orElseThrow());
    }
    String messageId = CallContext.newId();
    Promise<OperationResult<?>> result = Promise.promise();
    awaiting.put(messageId, result);
    long timer = vertx.setTimer(settings.timeoutMs(), expired -> {
      if (awaiting.remove(messageId) != null) {
        result.tryFail(new OperationException(ErrorCode.DEADLINE_EXCEEDED,
            operation.name() + ": no result event within " + settings.timeoutMs() + " ms"));
      }
    });
    resultWaiters.computeIfAbsent(operation.name(), name -> onResult(operation, arrived -> {
          Promise<OperationResult<?>> waiter = awaiting.remove(arrived.context().causationId());
          if (waiter != null) {
            waiter.tryComplete(arrived);
          }
        }).onFailure(failure -> resultWaiters.remove(name)))
        .compose(listening -> invoke(operation, request, context, messageId))
        .onFailure(failure -> {
          awaiting.remove(messageId);
          result.tryFail(failure);
        });
    return result.future().compose(arrived -> {
      vertx.cancelTimer(timer);
      @SuppressWarnings("unchecked")
      OperationResult<R> typed = (OperationResult<R>) arrived;
      return typed.succeeded() ? Future.succeededFuture(typed.reply()) : Future.failedFuture(typed.failure());
    }, failure -> {
      vertx.cancelTimer(timer);
      return Future.failedFuture(failure);
    });
  }

  /** Listens to the result events of an operation invoked in event mode. */
  public <Q extends Message, R extends Message> Future<Void> onResult(Operation<Q, R> operation,
                                                                  ResultHandler<R> handler) {
    OperationSettings settings = settings(operation);
    if (settings.mode() != Mode.EVENT) {
      return Future.succeededFuture();
    }
    return events(settings.transport()).consumeResults(operation.name(), envelope -> {
      OperationResult<R> result;
      if (envelope.isFailure()) {
        result = OperationResult.failure(envelope.context(), envelope.failure());
      } else {
        try {
          result = OperationResult.success(envelope.context(), operation.parseReply(envelope.body().getBytes()));
        } catch (OperationException undecodable) {
          result = OperationResult.failure(envelope.context(), undecodable);
        }
      }
      LOGGER.debug("{} {} result {} for msg={}", envelope.context().logTag(), operation,
          result.succeeded() ? "ok" : result.failure().code(), envelope.context().causationId());
      handler.handle(result);
    });
  }

  /**
   * Emits a domain event to every subscriber of {@code stream}. Completes when every rpc-mode
   * subscriber has handled it and the event-mode subscribers' transport has it; fails if any
   * rpc-mode subscriber failed (the coupling rpc mode brings).
   */
  public <E extends Message> Future<Void> emit(String stream, String eventId, E event, CallContext context) {
    List<Future<?>> deliveries = new ArrayList<>();
    Set<Transport> eventTransportsUsed = new LinkedHashSet<>();
    for (Operation<?, ?> subscriber : catalog.subscribersOf(stream)) {
      OperationSettings settings = settings(subscriber);
      if (settings.mode() == Mode.RPC) {
        deliveries.add(invokeUnchecked(subscriber, event, context, eventId + "/" + subscriber.name()));
      } else {
        eventTransportsUsed.add(settings.transport());
      }
    }
    Envelope envelope = Envelope.of(Buffer.buffer(event.toByteArray()), context.withMessageId(eventId));
    for (Transport transport : eventTransportsUsed) {
      deliveries.add(events(transport).publishEvent(stream, envelope));
    }
    LOGGER.debug("{} emit {} on {} to {} deliveries", context.logTag(), eventId, stream, deliveries.size());
    return Future.join(deliveries).mapEmpty();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<?> invokeUnchecked(Operation subscriber, Message event, CallContext context, String messageId) {
    return invoke(subscriber, event, context, messageId);
  }

  // ---------------------------------------------------------------- handlers

  /**
   * Serves an operation with its handler, on the path its configured mode needs: requests in rpc
   * mode; commands (or, for a subscriber, the stream's events) in event mode. In event mode a
   * handler whose outcome is uncertain (an unexpected failure, a timeout, an outage) is retried
   * with backoff; after the last retry, and at once for an undecodable message, the message goes to
   * the transport's dead letters and, for a command, a failure result is published so that the
   * caller can go on.
   */
  public <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                               OperationHandler<Q, R> handler) {
    return serve(operation, handler, false);
  }

  /**
   * Serves an operation whose effect is a change to the store: the handler runs in one transaction
   * on the store's thread, and in event mode the message is recorded as processed (with its result
   * event) in the same transaction, so an effect is never recorded without its message or the
   * other way round.
   */
  public <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                               TransactionalHandler<Q, R> handler) {
    boolean recorded = settings(operation).mode() == Mode.EVENT;
    OperationHandler<Q, R> inTransaction = (request, context) -> store.transaction(connection -> {
      R reply = handler.handle(request, context, connection);
      if (recorded) {
        processed.record(connection, operation.name(), context.messageId(),
            operation.stream().isPresent() ? null : successResult(context, reply));
      }
      return reply;
    });
    return serve(operation, inTransaction, recorded);
  }

  private <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                                OperationHandler<Q, R> handler,
                                                                boolean recordsSuccess) {
    OperationSettings settings = settings(operation);
    String mode = settings.mode().spelling();
    String transport = settings.transport().spelling();
    LOGGER.info("serving {}", settings.describe());
    if (settings.mode() == Mode.RPC) {
      // served on the event bus and over gRPC alike: the callers' transport decides how they come
      java.util.function.Function<Envelope, Future<Buffer>> serving = request ->
          run(operation, handler, request, mode, transport).map(reply -> Buffer.buffer(reply.toByteArray()));
      return Future.all(rpc(Transport.LOCAL).serve(operation.name(), serving),
          rpc(Transport.GRPC).serve(operation.name(), serving)).mapEmpty();
    }
    EventTransport events = events(settings.transport());
    if (operation.stream().isPresent()) {
      return events.consumeEvents(operation.stream().get(), operation.name(), event ->
          once(operation, event, mode, transport, () -> runWithRetries(operation, handler, event, settings)
              .transform(outcome -> Future.succeededFuture(outcome.succeeded()
                  ? new Handled(null, null, recordsSuccess)
                  : new Handled(null, deadLettered(Attempts.reason(operation, outcome.cause()).code())
                      ? deadLetter(operation, outcome.cause(), event.context()) : null, false)))));
    }
    return events.consumeCommands(operation.name(), command ->
        once(operation, command, mode, transport, () -> runWithRetries(operation, handler, command, settings)
            .transform(outcome -> {
              if (outcome.succeeded()) {
                return Future.succeededFuture(new Handled(successResult(command.context(), outcome.result()), null,
                    recordsSuccess));
              }
              OperationException failure = Attempts.reason(operation, outcome.cause());
              return Future.succeededFuture(new Handled(Envelope.failed(resultContext(command.context()), failure),
                  deadLettered(failure.code()) ? deadLetter(operation, outcome.cause(), command.context()) : null,
                  false));
            })));
  }

  /** The result event of a command that succeeded; the same for the same command, so it can be stored. */
  private static Envelope successResult(CallContext command, Message reply) {
    return Envelope.of(Buffer.buffer(reply.toByteArray()), resultContext(command));
  }

  private static CallContext resultContext(CallContext command) {
    return new CallContext(command.correlationId(), command.aggregateId(), command.messageId() + ":result",
        command.messageId(), command.attributes());
  }

  /**
   * What handling a message produced: the result event to publish, if any, whether it is a dead
   * letter, and whether the handler's transaction already recorded the message as processed.
   */
  private record Handled(Envelope result, DeadLetterException deadLetter, boolean recorded) {
  }

  /**
   * Runs {@code work} once per message id: a redelivered message that was already handled gets its
   * recorded result published again and changes nothing. The result is recorded before it is
   * published, and its publication is retried until the transport takes it, so an effect never goes
   * without its result event.
   */
  private Future<Void> once(Operation<?, ?> operation, Envelope message, String mode, String transport,
                            java.util.function.Supplier<Future<Handled>> work) {
    String messageId = message.context().messageId();
    if (message.sentAtMs() > 0) {
      metrics.recordDeliveryDelay(operation.name(), transport, System.currentTimeMillis() - message.sentAtMs());
    }
    String consumer = operation.name();
    return processed.claim(consumer, messageId).compose(seen -> {
      if (seen instanceof ProcessedMessages.Seen.InProgress running) {
        // a redelivery while the first delivery runs: it is done when that one is, and fails with it
        LOGGER.debug("{} {} duplicate msg={} follows the delivery in progress", message.context().logTag(), operation,
            messageId);
        metrics.recordHandled(operation.name(), mode, transport, "duplicate", 0);
        return running.handling();
      }
      if (seen instanceof ProcessedMessages.Seen.Done done) {
        LOGGER.debug("{} {} duplicate msg={} ignored", message.context().logTag(), operation, messageId);
        metrics.recordHandled(operation.name(), mode, transport, "duplicate", 0);
        return done.result().isPresent() ? publishResult(operation, done.result().get(), 1) : Future.succeededFuture();
      }
      return work.get().compose(handled -> {
        Future<Void> recorded;
        if (handled.recorded()) {
          processed.release(consumer, messageId);
          recorded = Future.succeededFuture();
        } else {
          recorded = processed.complete(consumer, messageId, handled.result());
        }
        Future<Void> published = handled.result() == null ? recorded
            : recorded.compose(stored -> publishResult(operation, handled.result(), 1));
        return handled.deadLetter() == null ? published
            : published.compose(sent -> Future.failedFuture(handled.deadLetter()));
      }).onFailure(failure -> processed.release(consumer, messageId, failure));
    });
  }

  private Future<Void> publishResult(Operation<?, ?> operation, Envelope result, int attempt) {
    return events(settings(operation).transport()).publishResult(operation.name(), result).recover(failure -> {
      long backoff = Math.min(30_000, 100L << Math.min(attempt, 9));
      LOGGER.warn("{} {} result not published (attempt {}), again in {} ms: {}", result.context().logTag(),
          operation, attempt, backoff, failure.getMessage());
      return vertx.timer(backoff).compose(waited -> publishResult(operation, result, attempt + 1));
    });
  }

  /** Runs the handler; an uncertain failure is tried again, up to {@code retries} more times, with exponential backoff. */
  private <Q extends Message, R extends Message> Future<R> runWithRetries(Operation<Q, R> operation,
                                                                          OperationHandler<Q, R> handler,
                                                                          Envelope message, OperationSettings settings) {
    return attempt(operation, handler, message, settings, 1);
  }

  private <Q extends Message, R extends Message> Future<R> attempt(Operation<Q, R> operation,
                                                                   OperationHandler<Q, R> handler, Envelope message,
                                                                   OperationSettings settings, int attempt) {
    return run(operation, handler, message, settings.mode().spelling(), settings.transport().spelling())
        .recover(failure -> {
          OperationException reason = OperationException.from(operation.name(), failure);
          if (!reason.code().outcomeUncertain() || attempt > settings.retries()) {
            return Future.failedFuture(new Attempts(reason, attempt));
          }
          long backoff = settings.retryBackoffMs() << Math.min(attempt - 1, 10);
          metrics.recordRetry(operation.name(), settings.transport().spelling());
          LOGGER.debug("{} {} attempt {} failed ({}), retry in {} ms", message.context().logTag(), operation, attempt,
              reason.getMessage(), backoff);
          return vertx.timer(Math.max(backoff, 1)).compose(waited ->
              attempt(operation, handler, message, settings, attempt + 1));
        });
  }

  /** Poison (undecodable) and uncertain failures that outlived their retries go to the dead letters. */
  private static boolean deadLettered(ErrorCode code) {
    return code == ErrorCode.INVALID_ARGUMENT || code.outcomeUncertain();
  }

  private DeadLetterException deadLetter(Operation<?, ?> operation, Throwable failure, CallContext context) {
    OperationException reason = Attempts.reason(operation, failure);
    int attempts = failure instanceof Attempts counted ? counted.attempts : 1;
    metrics.recordDeadLetter(operation.name(), settings(operation).transport().spelling());
    LOGGER.warn("{} {} dead-lettered after {} attempt(s): {}", context.logTag(), operation, attempts,
        reason.getMessage());
    return new DeadLetterException(reason, attempts);
  }

  /** A handler's last failure and how many attempts it took. */
  private static final class Attempts extends RuntimeException {
    private final OperationException reason;
    private final int attempts;

    Attempts(OperationException reason, int attempts) {
      super(reason.getMessage(), reason, false, false);
      this.reason = reason;
      this.attempts = attempts;
    }

    static OperationException reason(Operation<?, ?> operation, Throwable failure) {
      return failure instanceof Attempts counted ? counted.reason : OperationException.from(operation.name(), failure);
    }
  }

  private <Q extends Message, R extends Message> Future<R> run(Operation<Q, R> operation, OperationHandler<Q, R> handler,
                                                               Envelope message, String mode, String transport) {
    long started = System.nanoTime();
    CallContext context = message.context();
    LOGGER.debug("{} {} handling msg={}", context.logTag(), operation, context.messageId());
    return faults.before(operation.name())
        .compose(ready -> context.remainingMs() <= 0
            ? Future.failedFuture(new OperationException(ErrorCode.DEADLINE_EXCEEDED, operation.name()
                + ": the caller's deadline passed before the handler ran; not run"))
            : handler.handle(operation.parseRequest(message.body().getBytes()), context))
        .recover(failure -> Future.failedFuture(OperationException.from(operation.name(), failure)))
        .onComplete(outcome -> {
          metrics.recordHandled(operation.name(), mode, transport,
              outcome.succeeded() ? "ok" : outcomeTag(outcome.cause()), System.nanoTime() - started);
          if (outcome.failed()) {
            LOGGER.debug("{} {} refused msg={}: {}", context.logTag(), operation, context.messageId(),
                outcome.cause().getMessage());
          }
        });
  }

  private static OperationException callFailure(Operation<?, ?> operation, OperationSettings settings,
                                                Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      return new OperationException(ErrorCode.DEADLINE_EXCEEDED,
          operation.name() + ": no reply within " + settings.timeoutMs() + " ms");
    }
    return OperationException.from(operation.name(), failure);
  }

  private static String outcomeTag(Throwable failure) {
    ErrorCode code = failure instanceof OperationException known ? known.code() : ErrorCode.INTERNAL;
    return code.name().toLowerCase(Locale.ROOT);
  }

  private RpcTransport rpc(Transport transport) {
    RpcTransport found = rpcTransports.get(transport);
    if (found == null) {
      throw new IllegalStateException("no rpc transport " + transport.spelling());
    }
    return found;
  }

  private EventTransport events(Transport transport) {
    EventTransport found = eventTransports.get(transport);
    if (found == null) {
      throw new IllegalStateException("no event transport " + transport.spelling());
    }
    return found;
  }
}
