package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.policy.CircuitBreakers;
import dev.switchboard.platform.policy.ConcurrencyLimits;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes an operation the way its configuration says: in rpc mode a request whose reply completes
 * the invocation, within the operation's deadline or what is left of the caller's; in event mode a
 * command, accepted once its transport has it. Every invocation is measured as its caller saw it.
 * <p>
 * An rpc call goes through the operation's policy: its concurrency limit (the call, retries
 * included, holds a slot), then, for an idempotent operation, attempts again after an uncertain
 * failure (its {@code retries}, exponential backoff with jitter, never past the caller's deadline),
 * each attempt through the operation's circuit breaker (over grpc, the breaker of the target tried).
 * <p>
 * An operation with {@code fallback: event} degrades an rpc call that cannot be made — its breaker
 * open, its concurrency limit reached, the callee unavailable or not answering within the
 * operation's own deadline — to a command on its event path, with the same message id: the caller
 * gets {@link Invocation.Accepted} instead of a failure, the callee handles the command when it
 * can, deduplicated as usual (so a call that did reach it changes nothing twice: the operation is
 * idempotent, which the configuration requires), and its result comes as a result event.
 */
final class Invoker {

  private static final Logger LOGGER = LoggerFactory.getLogger(Invoker.class);

  private final Vertx vertx;
  private final LiveSettings live;
  private final Transports transports;
  private final SwitchboardMetrics metrics;
  private final CircuitBreakers breakers;
  private final ConcurrencyLimits limits;

  Invoker(Vertx vertx, LiveSettings live, Transports transports, SwitchboardMetrics metrics) {
    this.vertx = vertx;
    this.live = live;
    this.transports = transports;
    this.metrics = metrics;
    this.breakers = transports.breakers();
    this.limits = new ConcurrencyLimits(vertx, metrics);
  }

  <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                  CallContext context, String messageId) {
    OperationSettings settings = live.get(operation.name());
    CallContext outbound = context.withMessageId(messageId);
    long started = System.nanoTime();
    Future<Invocation<R>> invocation = settings.mode() == Mode.RPC
        ? request(operation, request, outbound, settings)
        : command(operation, request, outbound, settings.transport());
    return invocation
        .recover(failure -> Future.failedFuture(callFailure(operation, settings, failure)))
        .onComplete(outcome -> {
          String tag = outcome.succeeded()
              ? (outcome.result() instanceof Invocation.Accepted ? "accepted" : "completed")
              : HandlerRunner.outcomeTag(outcome.cause());
          metrics.recordCall(operation.name(), settings.mode().spelling(), settings.transport().spelling(), tag,
              System.nanoTime() - started);
          if (outcome.failed()) {
            LOGGER.debug("{} {} failed: {}", outbound.logTag(), operation, outcome.cause().getMessage());
          }
        });
  }

  private <Q extends Message, R extends Message> Future<Invocation<R>> request(Operation<Q, R> operation, Q request,
                                                                           CallContext outbound,
                                                                           OperationSettings settings) {
    if (LOGGER.isDebugEnabled()) {
      LOGGER.debug("{} {} -> rpc/{} msg={}", outbound.logTag(), operation, settings.transport().spelling(),
          outbound.messageId());
    }
    Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound);
    // a call waits for a slot no longer than it would wait for its reply
    long waitLimitMs = Math.min(settings.timeoutMs(), outbound.remainingMs());
    // the operation's deadline bounds the call, retries included
    long callDeadlineMs = System.currentTimeMillis() + settings.timeoutMs();
    Future<Invocation<R>> call = limits.run(operation.name(), settings.policy(), waitLimitMs,
            () -> attempt(operation, envelope, outbound, settings, callDeadlineMs, 1))
        .map(reply -> new Invocation.Completed<>(outbound.messageId(), operation.parseReply(reply.getBytes())));
    if (!settings.fallbackToEvent()) {
      return call;
    }
    return call.recover(failure -> {
      OperationException reason = callFailure(operation, settings, failure);
      if (!degrades(reason, outbound)) {
        return Future.failedFuture(failure);
      }
      Transport path = settings.eventTransport();
      metrics.recordDegradedCall(operation.name(), path.spelling(), reason.code().name().toLowerCase(java.util.Locale.ROOT));
      LOGGER.info("{} {} degraded to an event on {} msg={}: {}", outbound.logTag(), operation, path.spelling(),
          outbound.messageId(), reason.getMessage());
      return command(operation, request, outbound, path);
    });
  }

  /**
   * Whether a failed rpc call is one that could not be made, and goes as a command instead: refused
   * by the caller's own policy (breaker open, limit reached), the callee unavailable or over its
   * capacity, or no answer within the operation's own deadline while the caller's has time left
   * (past the caller's deadline nobody waits for the answer, and a command would only add work).
   */
  private static boolean degrades(OperationException reason, CallContext outbound) {
    return switch (reason.code()) {
      case UNAVAILABLE, RESOURCE_EXHAUSTED -> true;
      case DEADLINE_EXCEEDED -> outbound.remainingMs() > 0;
      default -> false;
    };
  }

  /**
   * One attempt of an rpc call; for an idempotent operation, after an uncertain failure, another one
   * with the same message id (the callee deduplicates by it), up to the operation's {@code retries},
   * while the backoff ends before the caller's deadline. A call the caller's own policy refused (an
   * open breaker) is not attempted again.
   */
  private Future<Buffer> attempt(Operation<?, ?> operation, Envelope envelope, CallContext outbound,
                                 OperationSettings settings, long callDeadlineMs, int attempt) {
    // what is left of the call's own deadline, or of the chain's, whichever comes first
    long timeoutMs = Math.min(callDeadlineMs - System.currentTimeMillis(), outbound.remainingMs());
    if (timeoutMs <= 0) {
      return Future.failedFuture(OperationException.undelivered(ErrorCode.DEADLINE_EXCEEDED,
          operation.name() + ": not called, the deadline of the request had passed"));
    }
    Future<Buffer> call = settings.transport() == Transport.GRPC
        // over grpc each target has its own breaker, applied by the transport as it picks the target
        ? transports.rpc(Transport.GRPC).request(operation.name(), envelope, timeoutMs)
        : breakers.call(operation.name(), CircuitBreakers.LOCAL,
            () -> transports.rpc(settings.transport()).request(operation.name(), envelope, timeoutMs));
    if (!settings.policy().idempotent() || attempt > settings.retries()) {
      return call;
    }
    return call.recover(failure -> {
      OperationException reason = callFailure(operation, settings, failure);
      if (reason.refused() || !reason.code().outcomeUncertain()) {
        return Future.failedFuture(failure);
      }
      long backoff = Backoff.equalJitter(Backoff.delayMs(settings.retryBackoffMs(), attempt - 1, Long.MAX_VALUE));
      if (backoff >= Math.min(callDeadlineMs - System.currentTimeMillis(), outbound.remainingMs())) {
        LOGGER.debug("{} {} attempt {} failed ({}); no retry, the deadline comes first", outbound.logTag(),
            operation, attempt, reason.getMessage());
        return Future.failedFuture(failure);
      }
      metrics.recordCallRetry(operation.name(), settings.transport().spelling());
      LOGGER.debug("{} {} attempt {} failed ({}), retry in {} ms", outbound.logTag(), operation, attempt,
          reason.getMessage(), backoff);
      return vertx.timer(Math.max(backoff, 1))
          .compose(waited -> attempt(operation, envelope, outbound, settings, callDeadlineMs, attempt + 1));
    });
  }

  private <Q extends Message, R extends Message> Future<Invocation<R>> command(Operation<Q, R> operation, Q request,
                                                                           CallContext outbound,
                                                                           Transport transport) {
    // an event waits for its consumer as long as it takes: a caller's deadline does not travel with it
    Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound.withDeadline(0));
    if (LOGGER.isDebugEnabled()) {
      LOGGER.debug("{} {} -> event/{} msg={}", outbound.logTag(), operation, transport.spelling(),
          outbound.messageId());
    }
    return transports.events(transport).sendCommand(operation.name(), envelope)
        .map(accepted -> new Invocation.Accepted<>(outbound.messageId()));
  }

  private static OperationException callFailure(Operation<?, ?> operation, OperationSettings settings,
                                                Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      return new OperationException(ErrorCode.DEADLINE_EXCEEDED,
          operation.name() + ": no reply within " + settings.timeoutMs() + " ms");
    }
    return OperationException.from(operation.name(), failure);
  }
}
