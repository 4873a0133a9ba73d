package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.DuplicateMessageException;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Runs an operation's handler on a message: behind the injected faults (a capacity limit sheds an
 * rpc request that could not start before its caller gives up), never once the caller's
 * deadline has passed, measured; and, for event-mode consumers, again after an uncertain failure,
 * up to the operation's {@code retries}, with exponential backoff.
 */
final class HandlerRunner {

  private static final Logger LOGGER = LoggerFactory.getLogger(HandlerRunner.class);

  private final Vertx vertx;
  private final Faults faults;
  private final SwitchboardMetrics metrics;

  HandlerRunner(Vertx vertx, Faults faults, SwitchboardMetrics metrics) {
    this.vertx = vertx;
    this.faults = faults;
    this.metrics = metrics;
  }

  /** Runs the handler once. */
  <Q extends Message, R extends Message> Future<R> run(Operation<Q, R> operation, OperationHandler<Q, R> handler,
                                                       Envelope message, OperationSettings settings) {
    long started = System.nanoTime();
    CallContext context = message.context();
    if (LOGGER.isDebugEnabled()) {
      LOGGER.debug("{} {} handling msg={}", context.logTag(), operation, context.messageId());
    }
    Future<Void> ready = faults.before(operation.name(), waitLimitMs(message, settings));
    // no fault in the way (the usual case): the handler runs now, without a step through the future
    Future<R> handled = ready.succeeded() ? handle(operation, handler, message)
        : ready.compose(allowed -> handle(operation, handler, message));
    return handled
        .recover(failure -> Future.failedFuture(failure instanceof DuplicateMessageException
            || failure instanceof ConsumerStoppedException ? failure
            : OperationException.from(operation.name(), failure)))
        .onComplete(outcome -> {
          metrics.recordHandled(operation.name(), settings.mode().spelling(), settings.transport().spelling(),
              outcome.succeeded() ? "ok" : outcomeTag(outcome.cause()), System.nanoTime() - started);
          if (outcome.failed()) {
            LOGGER.debug("{} {} refused msg={}: {}", context.logTag(), operation, context.messageId(),
                outcome.cause().getMessage());
          }
        });
  }

  /** The handler's outcome, unless the caller's deadline passed before it could run. */
  private static <Q extends Message, R extends Message> Future<R> handle(Operation<Q, R> operation,
                                                                      OperationHandler<Q, R> handler,
                                                                      Envelope message) {
    CallContext context = message.context();
    if (context.remainingMs() <= 0) {
      return Future.failedFuture(new OperationException(ErrorCode.DEADLINE_EXCEEDED, operation.name()
          + ": the caller's deadline passed before the handler ran; not run"));
    }
    try {
      return handler.handle(operation.parseRequest(message.body().getBytes()), context);
    } catch (Throwable failure) {
      // an undecodable message, a handler that throws (an Error too): a failed outcome, as a future's step makes it
      return Future.failedFuture(failure);
    }
  }

  /**
   * Runs the handler; an uncertain failure is tried again, up to {@code retries} more times, with
   * exponential backoff. Fails with {@link Attempts} (the last reason and how many attempts it took),
   * or with a {@link DuplicateMessageException} when another delivery recorded the message first.
   */
  <Q extends Message, R extends Message> Future<R> runWithRetries(Operation<Q, R> operation,
                                                                  OperationHandler<Q, R> handler, Envelope message,
                                                                  OperationSettings settings) {
    return attempt(operation, handler, message, settings, 1);
  }

  private <Q extends Message, R extends Message> Future<R> attempt(Operation<Q, R> operation,
                                                                   OperationHandler<Q, R> handler, Envelope message,
                                                                   OperationSettings settings, int attempt) {
    return run(operation, handler, message, settings).recover(failure -> {
      if (failure instanceof DuplicateMessageException || failure instanceof ConsumerStoppedException) {
        return Future.failedFuture(failure);
      }
      OperationException reason = OperationException.from(operation.name(), failure);
      if (!reason.code().outcomeUncertain() || attempt > settings.retries()) {
        return Future.failedFuture(new Attempts(reason, attempt));
      }
      long backoff = Backoff.delayMs(settings.retryBackoffMs(), attempt - 1, Long.MAX_VALUE);
      metrics.recordRetry(operation.name(), settings.transport().spelling());
      LOGGER.debug("{} {} attempt {} failed ({}), retry in {} ms", message.context().logTag(), operation, attempt,
          reason.getMessage(), backoff);
      return vertx.timer(Math.max(backoff, 1)).compose(waited -> attempt(operation, handler, message, settings,
          attempt + 1));
    });
  }

  /**
   * How long the call may wait to start: what is left of its caller's deadline; for an rpc request
   * that carries none, what is left of the operation's {@code timeoutMs} since it was sent (its
   * caller waits no longer); unbounded for commands and events, whose backlog is their queue.
   */
  private static long waitLimitMs(Envelope message, OperationSettings settings) {
    long remaining = message.context().remainingMs();
    if (remaining != Long.MAX_VALUE || settings.mode() != Mode.RPC) {
      return remaining;
    }
    long sent = message.sentAtMs() > 0 ? message.sentAtMs() : System.currentTimeMillis();
    return sent + settings.timeoutMs() - System.currentTimeMillis();
  }

  static String outcomeTag(Throwable failure) {
    if (failure instanceof DuplicateMessageException) {
      return "duplicate";
    }
    if (failure instanceof ConsumerStoppedException) {
      return "dropped";
    }
    ErrorCode code = failure instanceof OperationException known ? known.code() : ErrorCode.INTERNAL;
    return code.name().toLowerCase(Locale.ROOT);
  }

  /** A handler's last failure and how many attempts it took. */
  static final class Attempts extends RuntimeException {
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

    static int of(Throwable failure) {
      return failure instanceof Attempts counted ? counted.attempts : 1;
    }
  }
}
