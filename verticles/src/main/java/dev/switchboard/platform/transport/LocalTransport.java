package dev.switchboard.platform.transport;

import dev.switchboard.platform.DeadLetterException;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.function.Function;

/**
 * The Vert.x event bus as a transport, in memory or clustered across JVMs.
 * <ul>
 *   <li>rpc: {@code request} to {@code switchboard.rpc.<operation>}, the handler's outcome is the reply;</li>
 *   <li>commands: point-to-point to {@code switchboard.cmd.<operation>}; the consumer acknowledges
 *       receipt at once and works afterwards, so an invocation is accepted only when a consumer
 *       has taken it (the event bus keeps nothing for an absent consumer);</li>
 *   <li>results and stream events: published to {@code switchboard.result.<operation>} and
 *       {@code switchboard.stream.<stream>}, seen by every listener.</li>
 * </ul>
 * The platform sends each message as its {@link Envelope} ({@link EnvelopeCodec}: the instance itself
 * within a JVM, its bytes between clustered nodes). A consumer also takes a message sent the plain way,
 * protobuf bytes with the call context in event-bus headers ({@link Envelope#headers()}), as a tool or
 * a test outside the platform sends it; dead letters are published that way, for any listener.
 */
public final class LocalTransport implements RpcTransport, EventTransport {

  /** Header of a dead letter: how many times its handler ran. */
  public static final String ATTEMPTS = "x-attempts";

  private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(LocalTransport.class);

  private final EventBus bus;
  private final long commandAckTimeoutMs;

  public LocalTransport(EventBus bus, long commandAckTimeoutMs) {
    this.bus = bus;
    this.commandAckTimeoutMs = commandAckTimeoutMs;
    EnvelopeCodec.registerOn(bus);
  }

  public static String rpcAddress(String operation) {
    return "switchboard.rpc." + operation;
  }

  public static String commandAddress(String operation) {
    return "switchboard.cmd." + operation;
  }

  public static String resultAddress(String operation) {
    return "switchboard.result." + operation;
  }

  public static String streamAddress(String stream) {
    return "switchboard.stream." + stream;
  }

  @Override
  public Future<Buffer> request(String operation, Envelope request, long timeoutMs) {
    return bus.<Buffer>request(rpcAddress(operation), request, new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(Message::body);
  }

  @Override
  public Future<Void> serve(String operation, Function<Envelope, Future<Buffer>> handler) {
    MessageConsumer<Object> consumer = bus.consumer(rpcAddress(operation), message -> {
      Envelope request = received(message);
      if (request == null) {
        return;
      }
      handler.apply(request).onComplete(outcome -> {
        if (outcome.succeeded()) {
          message.reply(outcome.result());
        } else {
          OperationException failure = OperationException.from(operation, outcome.cause());
          message.fail(failure.code().code(), failure.getMessage());
        }
      });
    });
    return consumer.completion();
  }

  @Override
  public Future<Void> sendCommand(String operation, Envelope command) {
    return bus.request(commandAddress(operation), command, new DeliveryOptions().setSendTimeout(commandAckTimeoutMs))
        .recover(failure -> Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE,
            operation + ": no consumer took the command on the local transport ("
                + OperationException.from(operation, failure).getMessage() + ")")))
        .mapEmpty();
  }

  @Override
  public Future<Void> consumeCommands(String operation, Function<Envelope, Future<Void>> handler) {
    MessageConsumer<Object> consumer = bus.consumer(commandAddress(operation), message -> {
      Envelope command = received(message);
      if (command == null) {
        return;
      }
      message.reply(null);
      handler.apply(command).onFailure(failure -> deadLetter(operation, command, failure));
    });
    return consumer.completion();
  }

  @Override
  public Future<Void> publishResult(String operation, Envelope result) {
    bus.publish(resultAddress(operation), result);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> consumeResults(String operation, Handler<Envelope> handler) {
    return bus.consumer(resultAddress(operation), message -> {
      Envelope result = received(message);
      if (result != null) {
        handler.handle(result);
      }
    }).completion();
  }

  /** Results are published on the event bus: every consumer of them is a listener too. */
  @Override
  public Future<Void> listenResults(String operation, Handler<Envelope> handler) {
    return consumeResults(operation, handler);
  }

  @Override
  public Future<Void> publishEvent(String stream, Envelope event) {
    bus.publish(streamAddress(stream), event);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> consumeEvents(String stream, String subscriber, Function<Envelope, Future<Void>> handler) {
    return bus.consumer(streamAddress(stream), message -> {
      Envelope event = received(message);
      if (event == null) {
        return;
      }
      handler.apply(event).onFailure(failure -> deadLetter(subscriber, event, failure));
    }).completion();
  }

  /**
   * The envelope of a message: the one the platform sent, or one made of a plain message's protobuf
   * bytes and headers. Null for any other body, which no handler could read: a sender waiting for
   * a reply is refused with INVALID_ARGUMENT, saying what the address takes; a published one is
   * logged and left.
   */
  private static Envelope received(Message<Object> message) {
    Object body = message.body();
    if (body instanceof Envelope envelope) {
      return envelope;
    }
    if (body instanceof Buffer bytes) {
      return Envelope.fromHeaders(bytes, message.headers());
    }
    String refusal = message.address() + " takes protobuf bytes (a Buffer) with the call context in headers; got "
        + (body == null ? "no body" : "a " + body.getClass().getSimpleName());
    if (message.replyAddress() != null) {
      message.fail(ErrorCode.INVALID_ARGUMENT.code(), refusal);
    } else {
      LOGGER.warn("message left unread: {}", refusal);
    }
    return null;
  }

  /** The event bus keeps nothing: the platform keeps its dead letters. */
  @Override
  public boolean keepsDeadLetters() {
    return false;
  }

  public static String deadLetterAddress(String operation) {
    return "switchboard.dlq." + operation;
  }

  /**
   * The event bus keeps nothing: a dead letter is published to {@code switchboard.dlq.<operation>}
   * with its reason in the headers, for whoever listens (an operator's tool, a test); the platform
   * keeps it in its store.
   */
  private void deadLetter(String operation, Envelope message, Throwable failure) {
    if (!(failure instanceof DeadLetterException)) {
      // not the message's fault (its consumer stopped, the process is closing): the event bus keeps
      // nothing, and whoever sent it sends it again (a saga re-drives its step)
      LOGGER.debug("{} {} msg={} dropped: {}", message.context().logTag(), operation, message.context().messageId(),
          failure.getMessage());
      return;
    }
    MultiMap headers = message.headers();
    DeadLetterException dead = (DeadLetterException) failure;
    headers.set(Envelope.ERROR_MESSAGE, String.valueOf(dead.getMessage()));
    headers.set(Envelope.ERROR_CODE, dead.reason().code().name());
    headers.set(ATTEMPTS, Integer.toString(dead.attempts()));
    bus.publish(deadLetterAddress(operation), message.body(), new DeliveryOptions().setHeaders(headers));
  }
}
