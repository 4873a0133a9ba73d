package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.EventTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brings result events to whoever waits for them: listeners of an operation's results (a saga
 * engine), and callers that {@link #call} an operation and wait for its reply in either mode.
 */
final class ResultRouter {

  private static final Logger LOGGER = LoggerFactory.getLogger(ResultRouter.class);

  private final Vertx vertx;
  private final LiveSettings live;
  private final Transports transports;
  private final Invoker invoker;
  /** Where the listeners of {@link #call} live: no caller's verticle, so none's undeployment stops them. */
  private final Context context;
  private final Map<String, Promise<OperationResult<?>>> awaiting = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> callListeners = new ConcurrentHashMap<>();

  ResultRouter(Vertx vertx, LiveSettings live, Transports transports, Invoker invoker) {
    this.vertx = vertx;
    this.live = live;
    this.transports = transports;
    this.invoker = invoker;
    this.context = ((VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * Consumes the result events of an operation, on every path its commands may take (the event bus
   * and its event path): whatever its mode now, a flip or a degraded call may send it as a command.
   * Each result reaches one of the processes consuming them (a saga owner among the replicas). The
   * listener lives as long as the verticle that registered it.
   */
  <Q extends Message, R extends Message> Future<Void> onResult(Operation<Q, R> operation, ResultHandler<R> handler) {
    return onEveryPath(operation, handler, EventTransport::consumeResults);
  }

  /** As {@link #onResult}, but every result, in this process, whoever else consumes it: for {@link #call}. */
  private <Q extends Message, R extends Message> Future<Void> listen(Operation<Q, R> operation,
                                                                 ResultHandler<R> handler) {
    return onEveryPath(operation, handler, EventTransport::listenResults);
  }

  /** How results are taken from a transport: consumed in the operation's group, or listened to here. */
  @FunctionalInterface
  private interface ResultSource {
    Future<Void> take(EventTransport transport, String operation, Handler<Envelope> handler);
  }

  private <Q extends Message, R extends Message> Future<Void> onEveryPath(Operation<Q, R> operation,
                                                                      ResultHandler<R> handler, ResultSource source) {
    List<Future<Void>> listening = new ArrayList<>();
    for (Transport path : Transports.eventPaths(live.get(operation.name()))) {
      listening.add(source.take(transports.events(path), operation.name(), envelope -> handler.handle(
          decode(operation, envelope))));
    }
    return Future.all(listening).mapEmpty();
  }

  private static <Q extends Message, R extends Message> OperationResult<R> decode(Operation<Q, R> operation,
                                                                                Envelope envelope) {
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
    return result;
  }

  /**
   * Invokes an operation and waits for its reply in either mode: in event mode, for the result event
   * of this command (request/reply over events), within the operation's {@code timeoutMs}.
   */
  <Q extends Message, R extends Message> Future<R> call(Operation<Q, R> operation, Q request, CallContext caller) {
    OperationSettings settings = live.get(operation.name());
    if (settings.mode() == Mode.RPC && !settings.fallbackToEvent()) {
      return invoker.invoke(operation, request, caller, Ids.next())
          .compose(invocation -> invocation.reply().<Future<R>>map(Future::succeededFuture)
              // flipped to event mode between the two reads: no reply will come inline
              .orElseGet(() -> Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, operation.name()
                  + ": switched to event mode while called; call again"))));
    }
    // event mode, or an rpc call that may degrade to a command: its reply may come as a result event
    String messageId = Ids.next();
    Promise<OperationResult<?>> result = Promise.promise();
    awaiting.put(messageId, result);
    long timer = vertx.setTimer(settings.timeoutMs(), expired -> {
      if (awaiting.remove(messageId) != null) {
        result.tryFail(new OperationException(ErrorCode.DEADLINE_EXCEEDED,
            operation.name() + ": no result event within " + settings.timeoutMs() + " ms"));
      }
    });
    listenForCalls(operation)
        .compose(listening -> invoker.invoke(operation, request, caller, messageId))
        .onSuccess(invocation -> invocation.reply().ifPresent(reply -> {
          awaiting.remove(messageId);
          result.tryComplete(OperationResult.success(caller, reply));
        }))
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

  private <Q extends Message, R extends Message> Future<Void> listenForCalls(Operation<Q, R> operation) {
    return callListeners.computeIfAbsent(operation.name(), name -> {
      Promise<Void> listening = Promise.promise();
      context.runOnContext(v -> listen(operation, arrived -> {
        Promise<OperationResult<?>> waiter = awaiting.remove(arrived.context().causationId());
        if (waiter != null) {
          waiter.tryComplete(arrived);
        }
      }).onComplete(listening));
      return listening.future().onFailure(failure -> callListeners.remove(name));
    });
  }
}
