package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes an operation the way its configuration says: in rpc mode a request whose reply completes
 * the invocation, within the operation's deadline or what is left of the caller's; in event mode a
 * command, accepted once its transport has it. Every invocation is measured as its caller saw it.
 */
final class Invoker {

  private static final Logger LOGGER = LoggerFactory.getLogger(Invoker.class);

  private final PlatformConfig config;
  private final Transports transports;
  private final SwitchboardMetrics metrics;

  Invoker(PlatformConfig config, Transports transports, SwitchboardMetrics metrics) {
    this.config = config;
    this.transports = transports;
    this.metrics = metrics;
  }

  <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                  CallContext context, String messageId) {
    OperationSettings settings = config.operation(operation.name());
    CallContext outbound = context.withMessageId(messageId);
    long started = System.nanoTime();
    Future<Invocation<R>> invocation = settings.mode() == Mode.RPC
        ? request(operation, request, outbound, settings)
        : command(operation, request, outbound, settings);
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
    // the call gets its own deadline, or what is left of the chain's, whichever comes first
    long timeoutMs = Math.min(settings.timeoutMs(), outbound.remainingMs());
    LOGGER.debug("{} {} -> rpc/{} msg={}", outbound.logTag(), operation, settings.transport().spelling(),
        outbound.messageId());
    if (timeoutMs <= 0) {
      return Future.failedFuture(OperationException.undelivered(ErrorCode.DEADLINE_EXCEEDED,
          operation.name() + ": not called, the deadline of the request had passed"));
    }
    Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound);
    return transports.rpc(settings.transport()).request(operation.name(), envelope, timeoutMs).map(reply ->
        new Invocation.Completed<>(outbound.messageId(), operation.parseReply(reply.getBytes())));
  }

  private <Q extends Message, R extends Message> Future<Invocation<R>> command(Operation<Q, R> operation, Q request,
                                                                           CallContext outbound,
                                                                           OperationSettings settings) {
    // an event waits for its consumer as long as it takes: a caller's deadline does not travel with it
    Envelope envelope = Envelope.of(Buffer.buffer(request.toByteArray()), outbound.withDeadline(0));
    LOGGER.debug("{} {} -> event/{} msg={}", outbound.logTag(), operation, settings.transport().spelling(),
        outbound.messageId());
    return transports.events(settings.transport()).sendCommand(operation.name(), envelope)
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
