package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.DuplicateMessageException;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.EventTransport;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What happens to a message a consumer takes: claim its id (a message handled before changes
 * nothing and gets its recorded result again) → run the handler, retrying an uncertain failure →
 * record the message as processed with its result → publish the result → dead-letter what was
 * poison or outlived its retries (kept in the store by {@link DeadLetters} when the transport keeps
 * none). Injected faults may hand a message in twice ({@code duplicateRate})
 * or switch the claim and the record off ({@code dedup}). A failure of the pipeline itself (the store refusing a claim or a
 * record, a result the transport does not take) is not the message's fault: it is tried again with
 * backoff, never dead-lettered.
 */
final class ConsumerPipeline {

  private static final Logger LOGGER = LoggerFactory.getLogger(ConsumerPipeline.class);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final LiveSettings live;
  private final Transports transports;
  private final ProcessedMessages processed;
  private final HandlerRunner runner;
  private final Faults faults;
  private final SwitchboardMetrics metrics;
  private final DeadLetters deadLetters;
  private volatile boolean closed;

  ConsumerPipeline(Vertx vertx, LiveSettings live, Transports transports, ProcessedMessages processed,
                   HandlerRunner runner, Faults faults, SwitchboardMetrics metrics, DeadLetters deadLetters) {
    this.vertx = vertx;
    this.live = live;
    this.transports = transports;
    this.processed = processed;
    this.runner = runner;
    this.faults = faults;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
  }

  /** Stops trying again: what is still pending fails, and its transport delivers it again to the next run. */
  void close() {
    closed = true;
  }

  /**
   * Consumes the operation's commands on {@code path}; every command ends with a result event
   * (success or failure) on that same path.
   */
  <Q extends Message, R extends Message> Future<Void> consumeCommands(Operation<Q, R> operation,
                                                                      OperationHandler<Q, R> handler,
                                                                      boolean recordedByHandler, Transport path) {
    AtomicBoolean stopped = stopWithServingVerticle(operation);
    OperationHandler<Q, R> serving = unlessStopped(operation, handler, stopped);
    EventTransport transport = transports.events(path);
    return transport.consumeCommands(operation.name(), command -> {
      OperationSettings settings = live.get(operation.name()).arrivedAs(Mode.EVENT, path);
      return keptIfDead(transport, operation, command, maybeTwice(operation, command, settings, stopped,
          () -> deliver(operation, command, settings, stopped, recordedByHandler,
              () -> handle(operation, serving, command, settings, recordedByHandler, true), 1)));
    });
  }

  /**
   * Consumes a stream's events on {@code path} for one subscriber operation: no result event, dead
   * letters as for commands. An event whose {@link Emitter#AUDIENCE} does not name the subscriber
   * (the emitter called it in rpc mode instead), or whose {@link Emitter#TYPE} it does not take, is
   * let pass.
   */
  <Q extends Message, R extends Message> Future<Void> consumeEvents(Operation<Q, R> subscriber,
                                                                    OperationHandler<Q, R> handler,
                                                                    boolean recordedByHandler, Transport path) {
    AtomicBoolean stopped = stopWithServingVerticle(subscriber);
    OperationHandler<Q, R> serving = unlessStopped(subscriber, handler, stopped);
    EventTransport transport = transports.events(path);
    return transport.consumeEvents(subscriber.stream().orElseThrow(), subscriber.name(), published -> {
      if (!addressedTo(subscriber, published)) {
        return Future.succeededFuture();
      }
      // the handler sees neither the audience nor the type; a dead letter keeps the type (a replay checks it)
      Envelope event = published.withContext(Emitter.forHandler(published.context()));
      OperationSettings settings = live.get(subscriber.name()).arrivedAs(Mode.EVENT, path);
      return keptIfDead(transport, subscriber, published, maybeTwice(subscriber, event, settings, stopped,
          () -> deliver(subscriber, event, settings, stopped, recordedByHandler,
              () -> handle(subscriber, serving, event, settings, recordedByHandler, false), 1)));
    });
  }

  /**
   * The handler, as long as the verticle serving it runs: work it had taken before it stopped (still
   * waiting out an injected latency, say) does not take effect afterwards, as it would not after a crash.
   */
  private static <Q extends Message, R extends Message> OperationHandler<Q, R> unlessStopped(
      Operation<Q, R> operation, OperationHandler<Q, R> handler, AtomicBoolean stopped) {
    return (request, context) -> stopped.get()
        ? Future.failedFuture(new ConsumerStoppedException(operation.name()))
        : handler.handle(request, context);
  }

  /**
   * Whether the event is meant for this subscriber: its {@link Emitter#AUDIENCE} names it and it takes
   * the event's {@link Emitter#TYPE}. An event without an audience or a type (from outside the platform,
   * or kept in the outbox or as a dead letter before types were stamped) is for every one.
   */
  private static boolean addressedTo(Operation<?, ?> subscriber, Envelope event) {
    Map<String, String> attributes = event.context().attributes();
    String audience = attributes.get(Emitter.AUDIENCE);
    return (audience == null || java.util.Arrays.asList(audience.split(",")).contains(subscriber.name()))
        && subscriber.takesType(attributes.get(Emitter.TYPE));
  }

  /**
   * What the transport is told of a delivery; a dead letter is first kept in the store when the
   * transport keeps none itself (the event bus), so that it can be listed and replayed — without the
   * audience it was published to (a replay addresses it again), made only when one is kept.
   */
  private Future<Void> keptIfDead(EventTransport transport, Operation<?, ?> operation, Envelope message,
                                  Future<Void> delivery) {
    if (transport.keepsDeadLetters()) {
      return delivery;
    }
    return delivery.recover(failure -> failure instanceof DeadLetterException dead
        ? deadLetters.keep(operation, message.withContext(message.context().withoutAttribute(Emitter.AUDIENCE)), dead)
            .transform(kept -> Future.failedFuture(failure))
        : Future.failedFuture(failure));
  }

  /**
   * Where a transport hands a message in: at the operation's injected {@code duplicateRate} the same
   * message is delivered a second time once the first delivery has ended, as an at-least-once
   * transport does after a lost acknowledgement or a rebalance. The copy goes through the whole
   * pipeline (claim, handler, record, result), so deduplication sees it as it would a redelivery;
   * the transport acknowledges (commits) the first delivery only, as it would have anyway.
   */
  private Future<Void> maybeTwice(Operation<?, ?> operation, Envelope message, OperationSettings settings,
                                  AtomicBoolean stopped, Supplier<Future<Void>> delivery) {
    Future<Void> first = metrics.handling(operation.name(), delivery.get());
    if (faults.duplicate(operation.name())) {
      metrics.recordInjectedDuplicate(operation.name(), settings.transport().spelling());
      first.onComplete(delivered -> {
        if (closed || stopped.get()) {
          return;
        }
        metrics.handling(operation.name(), delivery.get()).onComplete(again -> LOGGER.debug("{} {} injected duplicate of msg={} {}",
            message.context().logTag(), operation, message.context().messageId(),
            again.succeeded() ? "delivered" : "failed: " + again.cause().getMessage()));
      });
    }
    return first;
  }

  /**
   * Runs the handler with its retries and tells what came of it: the result event to publish (for a
   * command), the dead letter, if any, and whether the handler's transaction recorded the message.
   */
  private <Q extends Message, R extends Message> Future<Handled> handle(Operation<Q, R> operation,
                                                                        OperationHandler<Q, R> handler,
                                                                        Envelope message, OperationSettings settings,
                                                                        boolean recordedByHandler,
                                                                        boolean publishesResult) {
    CallContext context = message.context();
    return runner.runWithRetries(operation, handler, message, settings).transform(outcome -> {
      if (outcome.succeeded()) {
        return Future.succeededFuture(new Handled(publishesResult ? successResult(context, outcome.result()) : null,
            null, recordedByHandler));
      }
      if (outcome.cause() instanceof DuplicateMessageException
          || outcome.cause() instanceof ConsumerStoppedException) {
        return Future.failedFuture(outcome.cause());
      }
      OperationException failure = HandlerRunner.Attempts.reason(operation, outcome.cause());
      return Future.succeededFuture(new Handled(
          publishesResult ? Envelope.failed(resultContext(context), failure) : null,
          deadLettered(failure.code()) ? deadLetter(operation, outcome.cause(), context, settings) : null, false));
    });
  }

  /**
   * An event delivered to an rpc-mode subscriber: handled once per message id, like an event-mode
   * one, so the emitter may deliver it again. A failure goes back to the emitter (which retries),
   * never to the dead letters.
   */
  <Q extends Message, R extends Message> Future<Buffer> handleEventRequest(Operation<Q, R> subscriber,
                                                                           OperationHandler<Q, R> handler,
                                                                           Envelope event, boolean recordedByHandler,
                                                                           OperationSettings settings) {
    String consumer = subscriber.name();
    String messageId = event.context().messageId();
    Buffer acknowledged = Buffer.buffer(subscriber.parseReply(new byte[0]).toByteArray());
    if (recordedByHandler || !faults.deduplicates(consumer)) {
      // the handler's transaction inserts the record: a second delivery is refused by the primary key
      // (the runner counts it as a duplicate) and rolled back, so no claim (and no store round trip)
      // is needed before it runs; with deduplication off nothing is claimed nor recorded
      return runner.run(subscriber, handler, event, settings).map(acknowledged).recover(failure -> {
        if (failure instanceof DuplicateMessageException) {
          return Future.succeededFuture(acknowledged);
        }
        return Future.failedFuture(OperationException.from(consumer, failure));
      });
    }
    return processed.claim(consumer, messageId).compose(seen -> {
      if (!(seen instanceof ProcessedMessages.Seen.New fresh)) {
        metrics.recordHandled(consumer, settings.mode().spelling(), settings.transport().spelling(), "duplicate", 0);
        return seen instanceof ProcessedMessages.Seen.InProgress running ? running.handling().map(acknowledged)
            : Future.succeededFuture(acknowledged);
      }
      return runner.run(subscriber, handler, event, settings)
          .compose(reply -> processed.complete(fresh.claim(), null).map(acknowledged))
          .onFailure(failure -> processed.release(fresh.claim(), failure));
    }).recover(failure -> Future.failedFuture(failure instanceof DuplicateMessageException
        ? new OperationException(ErrorCode.UNAVAILABLE, consumer + ": delivered twice at once; try again")
        : OperationException.from(consumer, failure)));
  }

  /**
   * Runs the pipeline for one message; a failure that is not the message's (anything but a dead
   * letter) is tried again with backoff while the consumer serves. When the handler's transaction
   * records the message, it also looks for an earlier record of it first, so the first attempt
   * claims the message in memory only; a later attempt reads the record before it runs anything.
   */
  private Future<Void> deliver(Operation<?, ?> operation, Envelope message, OperationSettings settings,
                               AtomicBoolean stopped, boolean recordedByHandler, Supplier<Future<Handled>> work,
                               int attempt) {
    String unfit = attempt == 1 ? unfit(message.context()) : null;
    if (unfit != null) {
      // an id the store cannot keep makes a message that can never be recorded: poison, not a store failure
      return Future.failedFuture(deadLetter(operation, new OperationException(ErrorCode.INVALID_ARGUMENT,
          operation.name() + ": " + unfit), message.context(), settings));
    }
    return once(operation, message, settings, work, !recordedByHandler || attempt > 1).recover(failure -> {
      if (failure instanceof DeadLetterException || closed || stopped.get()) {
        return Future.failedFuture(failure);
      }
      if (failure instanceof DuplicateMessageException) {
        // another delivery recorded it first: the next claim finds its record
        return deliver(operation, message, settings, stopped, recordedByHandler, work, attempt + 1);
      }
      long backoff = Backoff.delayMs(100, attempt - 1, MAX_BACKOFF_MS);
      metrics.recordInfrastructureRetry(operation.name(), settings.transport().spelling());
      LOGGER.warn("{} {} msg={} not processed (attempt {}), again in {} ms: {}", message.context().logTag(),
          operation, message.context().messageId(), attempt, backoff, failure.getMessage());
      return vertx.timer(backoff).compose(waited -> deliver(operation, message, settings, stopped, recordedByHandler,
          work, attempt + 1));
    });
  }

  /**
   * Runs {@code work} once per message id (every time while deduplication is switched off): a redelivered message that was already handled gets its
   * recorded result published again and changes nothing. The result is recorded before it is
   * published, and its publication is retried until the transport takes it, so an effect never goes
   * without its result event. Without {@code lookUp} the record is not read before the work runs:
   * the work's own transaction refuses a message handled before ({@link ProcessedMessages#handleOnce}),
   * carrying its record, which is then treated as read here.
   */
  private Future<Void> once(Operation<?, ?> operation, Envelope message, OperationSettings settings,
                            Supplier<Future<Handled>> work, boolean lookUp) {
    String messageId = message.context().messageId();
    String mode = settings.mode().spelling();
    String transport = settings.transport().spelling();
    if (message.sentAtMs() > 0) {
      metrics.recordDeliveryDelay(operation.name(), transport, System.currentTimeMillis() - message.sentAtMs());
    }
    String consumer = operation.name();
    if (!faults.deduplicates(consumer)) {
      // deduplication off (an injected fault): every delivery runs, and nothing is recorded
      return work.get().compose(handled -> {
        Future<Void> published = handled.result() == null ? Future.succeededFuture()
            : publishResult(operation, handled.result(), settings.transport(), 1);
        return handled.deadLetter() == null ? published
            : published.compose(sent -> Future.failedFuture(handled.deadLetter()));
      });
    }
    Future<ProcessedMessages.Seen> claimed = lookUp ? processed.claim(consumer, messageId)
        : Future.succeededFuture(processed.claimInMemory(consumer, messageId));
    return claimed.compose(seen -> {
      if (seen instanceof ProcessedMessages.Seen.InProgress running) {
        // a redelivery while the first delivery runs: it is done when that one is, and fails with it
        LOGGER.debug("{} {} duplicate msg={} follows the delivery in progress", message.context().logTag(), operation,
            messageId);
        metrics.recordHandled(operation.name(), mode, transport, "duplicate", 0);
        // the first delivery dead-letters the message if it must; once is enough
        return running.handling().recover(failure -> failure instanceof DeadLetterException
            ? Future.succeededFuture() : Future.failedFuture(failure));
      }
      if (seen instanceof ProcessedMessages.Seen.Done done) {
        metrics.recordHandled(operation.name(), mode, transport, "duplicate", 0);
        return ignoreDuplicate(operation, message, done.result(), settings);
      }
      // ended once, when its record is stored or its handling fails: a claim ended already (then a
      // publication failed) stays ended, for another delivery may hold the message by now
      ProcessedMessages.Claim claim = ((ProcessedMessages.Seen.New) seen).claim();
      return work.get().compose(handled -> {
        Future<Void> recorded;
        if (handled.recorded()) {
          processed.release(claim);
          recorded = Future.succeededFuture();
        } else {
          recorded = processed.complete(claim, handled.result());
        }
        Future<Void> published = handled.result() == null ? recorded
            : recorded.compose(stored -> publishResult(operation, handled.result(), settings.transport(), 1));
        return handled.deadLetter() == null ? published
            : published.compose(sent -> Future.failedFuture(handled.deadLetter()));
      }, failure -> {
        if (failure instanceof DuplicateMessageException duplicate && duplicate.recordRead()) {
          // handled before: its handler's transaction found the record (and counted the duplicate)
          processed.release(claim);
          return ignoreDuplicate(operation, message, duplicate.recordedResult(), settings);
        }
        return Future.failedFuture(failure);
      }).onFailure(failure -> processed.release(claim, failure));
    });
  }

  /** A message handled before changes nothing; its recorded result, if any, is published again. */
  private Future<Void> ignoreDuplicate(Operation<?, ?> operation, Envelope message, Optional<Envelope> recorded,
                                       OperationSettings settings) {
    LOGGER.debug("{} {} duplicate msg={} ignored", message.context().logTag(), operation,
        message.context().messageId());
    return recorded.isPresent() ? publishResult(operation, recorded.get(), settings.transport(), 1)
        : Future.succeededFuture();
  }

  private Future<Void> publishResult(Operation<?, ?> operation, Envelope result, Transport path, int attempt) {
    EventTransport events = transports.events(path);
    return events.publishResult(operation.name(), result).recover(failure -> {
      if (closed) {
        return Future.failedFuture(failure);
      }
      long backoff = Backoff.delayMs(100, attempt, MAX_BACKOFF_MS);
      LOGGER.warn("{} {} result not published (attempt {}), again in {} ms: {}", result.context().logTag(),
          operation, attempt, backoff, failure.getMessage());
      return vertx.timer(backoff).compose(waited -> publishResult(operation, result, path, attempt + 1));
    });
  }

  /**
   * When the verticle serving an operation is undeployed (a service stopped, as a crash would), the
   * work it had in flight is dropped: its claims are let go, so that the same message, sent again
   * (a saga re-driving its step, a redelivery), runs on whoever serves it next instead of following
   * work that will never end.
   */
  private AtomicBoolean stopWithServingVerticle(Operation<?, ?> operation) {
    AtomicBoolean stopped = new AtomicBoolean();
    if (Vertx.currentContext() instanceof ContextInternal serving && serving.isDeployment()) {
      serving.addCloseHook(completion -> {
        stopped.set(true);
        processed.releaseAll(operation.name(), new OperationException(ErrorCode.UNAVAILABLE,
            operation.name() + ": the consumer stopped while handling it"));
        completion.succeed();
      });
    }
    return stopped;
  }

  /** The result event of a command that succeeded; the same for the same command, so it can be stored. */
  static Envelope successResult(CallContext command, Message reply) {
    return Envelope.of(Buffer.buffer(reply.toByteArray()), resultContext(command));
  }

  private static CallContext resultContext(CallContext command) {
    return new CallContext(command.correlationId(), command.aggregateId(), command.messageId() + ":result",
        command.messageId(), command.attributes());
  }

  /**
   * Why the message cannot be kept with its processed record — an id too long for its column, a
   * header too long to be stored (the result event carries the command's context) — or null when it
   * can. (Only an outside producer writing to a command topic could send one: the platform's ids and
   * headers are short.)
   */
  private static String unfit(CallContext context) {
    if (context.messageId().isEmpty() || context.messageId().length() > ProcessedMessages.MAX_MESSAGE_ID) {
      return "x-message-id must be 1 to " + ProcessedMessages.MAX_MESSAGE_ID + " characters, was "
          + context.messageId().length();
    }
    return Envelope.unstorable(context);
  }

  /** Poison (undecodable) and uncertain failures that outlived their retries go to the dead letters. */
  private static boolean deadLettered(ErrorCode code) {
    return code == ErrorCode.INVALID_ARGUMENT || code.outcomeUncertain();
  }

  private DeadLetterException deadLetter(Operation<?, ?> operation, Throwable failure, CallContext context,
                                         OperationSettings settings) {
    OperationException reason = HandlerRunner.Attempts.reason(operation, failure);
    int attempts = HandlerRunner.Attempts.of(failure);
    metrics.recordDeadLetter(operation.name(), settings.transport().spelling());
    LOGGER.warn("{} {} dead-lettered after {} attempt(s): {}", context.logTag(), operation, attempts,
        reason.getMessage());
    return new DeadLetterException(reason, attempts);
  }

  /**
   * What handling a message produced: the result event to publish, if any, whether it is a dead
   * letter, and whether the handler's transaction already recorded the message as processed.
   */
  private record Handled(Envelope result, DeadLetterException deadLetter, boolean recorded) {
  }
}
