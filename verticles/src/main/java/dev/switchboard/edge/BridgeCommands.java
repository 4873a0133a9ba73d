package dev.switchboard.edge;

import dev.switchboard.platform.Backoff;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.switchboard.checkout.OrderDesk;
import dev.switchboard.checkout.OrderLimits;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.TextLimit;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The bridge's way in: a PlaceOrderRequest (JSON) from {@code bridge.commandTopic} places an order
 * through the same {@link OrderDesk} (and so the same validation) as the gRPC edge, and the
 * PlaceOrderResponse goes to the {@code reply-topic} header's topic. A command whose headers are
 * beyond their limits ({@code ce_id}, {@code x-correlation-id}, a {@code reply-topic} that
 * {@code bridge.replyTopics} does not allow) or that is not JSON cannot be answered safely: it goes to
 * {@code <commandTopic>.dlq} with the reason. A readable order the desk refuses (a field beyond its
 * limit, a reused key) gets a reply with {@code error-code}, as the gRPC edge answers.
 *
 * <p>Sending is bounded ({@code bridge.sendAttempts}, backoff from {@code bridge.sendBackoffMs}): a
 * reply that cannot be written is dead-lettered naming why, and a dead letter that cannot be written
 * is logged and dropped, so that a record never holds its partition's commits for ever.
 */
final class BridgeCommands {

  private static final Logger LOGGER = LoggerFactory.getLogger(BridgeCommands.class);

  static final String CE_ID_HEADER = "ce_id";
  static final String REPLY_TOPIC_HEADER = "reply-topic";
  static final String CORRELATION_ID_HEADER = "correlation-id";
  static final String ERROR_CODE_HEADER = "error-code";
  /** The idempotency key of a command that gives none: this prefix and its ce_id. */
  private static final String KEY_PREFIX = "ce:";
  /** A ce_id is a correlation id (when no x-correlation-id is given) and, prefixed, an idempotency key. */
  static final TextLimit CE_ID = new TextLimit(CE_ID_HEADER,
      Math.min(CallContext.CORRELATION_ID.maxLength(), OrderLimits.IDEMPOTENCY_KEY.maxLength() - KEY_PREFIX.length()),
      OrderLimits.ID_CHARACTERS);
  /** What Kafka allows as a topic name. */
  static final TextLimit TOPIC = new TextLimit(REPLY_TOPIC_HEADER, 249, "A-Za-z0-9._-");

  private final Vertx vertx;
  private final BridgeConfig config;
  private final OrderDesk desk;
  private final KafkaClients clients;

  BridgeCommands(Vertx vertx, BridgeConfig config, OrderDesk desk, KafkaClients clients) {
    this.vertx = vertx;
    this.config = config;
    this.desk = desk;
    this.clients = clients;
  }

  /** A command as read from its record, every outside value within its limit. */
  private record Command(String ceId, CallContext context, String replyTopic, PlaceOrderRequest request) {
  }

  /** Handles one command record; the future always succeeds, after a bounded time. */
  Future<Void> handle(KafkaConsumerRecord<String, Buffer> record) {
    Command command;
    try {
      command = read(record);
    } catch (OperationException invalid) {
      return deadLetter(record, invalid, 1);
    } catch (RuntimeException unreadable) {
      return deadLetter(record, invalid("unreadable record: " + unreadable), 1);
    }
    LOGGER.debug("{} place-order command {} from {}", command.context().logTag(), command.ceId(), record.topic());
    return desk.place(command.request(), command.context())
        .transform(outcome -> reply(record, command, outcome.succeeded() ? outcome.result() : null,
            outcome.failed() ? OperationException.from("orders.place", outcome.cause()) : null));
  }

  private Command read(KafkaConsumerRecord<String, Buffer> record) {
    String ceId = header(record, CE_ID_HEADER);
    if (ceId == null || ceId.isEmpty()) {
      throw invalid("a place-order command needs a ce_id header");
    }
    CE_ID.check(ceId);
    String correlation = header(record, Envelope.CORRELATION_ID);
    CallContext context = CallContext.fromOutside(correlation == null || correlation.isEmpty() ? ceId : correlation);
    String replyTopic = header(record, REPLY_TOPIC_HEADER);
    if (replyTopic == null || replyTopic.isEmpty()) {
      replyTopic = config.replyTopic();
    } else {
      TOPIC.check(replyTopic);
      if (!config.replyTopicAllowed(replyTopic)) {
        throw invalid("reply-topic " + LogSafe.quote(replyTopic) + " is not allowed: it must match one of "
            + BridgeConfig.REPLY_TOPICS + " " + config.replyTopics());
      }
    }
    PlaceOrderRequest.Builder request = PlaceOrderRequest.newBuilder();
    try {
      JsonFormat.parser().merge(record.value() == null ? "" : record.value().toString(StandardCharsets.UTF_8), request);
    } catch (InvalidProtocolBufferException | RuntimeException | StackOverflowError e) {
      throw invalid("not a PlaceOrderRequest in JSON: " + e.getMessage());
    }
    if (request.getIdempotencyKey().isEmpty()) {
      request.setIdempotencyKey(KEY_PREFIX + ceId);  // the same ce_id places one order
    }
    return new Command(ceId, context, replyTopic, request.build());
  }

  private Future<Void> reply(KafkaConsumerRecord<String, Buffer> record, Command command, PlaceOrderResponse response,
                             OperationException failure) {
    PlaceOrderResponse body = response != null ? response
        : PlaceOrderResponse.newBuilder().setReason(failure.getMessage()).build();
    String json;
    try {
      json = JsonFormat.printer().omittingInsignificantWhitespace().print(body);
    } catch (InvalidProtocolBufferException e) {
      return deadLetter(record, new OperationException(ErrorCode.INTERNAL, "reply not printable: " + e.getMessage()), 1);
    }
    String topic = command.replyTopic();
    Supplier<Future<Void>> send = () -> {
      KafkaProducerRecord<String, Buffer> out = KafkaProducerRecord.create(topic,
          body.getOrderId().isEmpty() ? command.ceId() : body.getOrderId(), Buffer.buffer(json));
      out.addHeader(CORRELATION_ID_HEADER, command.ceId());
      out.addHeader(Envelope.CORRELATION_ID, command.context().correlationId());
      out.addHeader("content-type", "application/json");
      out.addHeader("ce_specversion", "1.0");
      out.addHeader("ce_id", command.ceId() + ":reply");
      out.addHeader("ce_type", PlaceOrderResponse.getDescriptor().getFullName());
      out.addHeader("ce_source", config.source());
      if (failure != null) {
        out.addHeader(ERROR_CODE_HEADER, failure.code().name());
      }
      return clients.ensureTopic(topic).compose(ready -> clients.producer().send(out)).mapEmpty();
    };
    return bounded("reply to " + topic, command.context().logTag(), send).recover(unsent ->
        deadLetter(record, new OperationException(ErrorCode.UNAVAILABLE, "the reply to " + topic
            + " could not be written after " + config.sendAttempts() + " attempts: " + unsent.getMessage()),
            config.sendAttempts()));
  }

  /** Dead-letters the record with the reason; if even that cannot be written, logs it and lets it go. */
  private Future<Void> deadLetter(KafkaConsumerRecord<String, Buffer> record, OperationException reason, int attempts) {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    return bounded("dead letter of " + where, "[" + where + "]",
        () -> clients.deadLetters().send(record, reason, attempts, "bridge.commands"))
        .recover(unsent -> {
          LOGGER.error("record {} dropped: its dead letter could not be written after {} attempts ({}); it was "
                  + "dead-lettered because: {}", where, config.sendAttempts(), LogSafe.quote(unsent.getMessage()),
              LogSafe.quote(reason.getMessage()));
          return Future.succeededFuture();
        });
  }

  /** Tries {@code send} up to {@code bridge.sendAttempts} times, with doubling backoff; fails with the last failure. */
  private Future<Void> bounded(String what, String tag, Supplier<Future<Void>> send) {
    return attempt(what, tag, send, 1);
  }

  private Future<Void> attempt(String what, String tag, Supplier<Future<Void>> send, int attempt) {
    Future<Void> sent;
    try {
      sent = send.get();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.recover(failure -> {
      if (attempt >= config.sendAttempts()) {
        return Future.failedFuture(failure);
      }
      long backoff = Backoff.delayMs(config.sendBackoffMs(), attempt - 1, 30_000);
      LOGGER.warn("{} {} failed (attempt {} of {}), again in {} ms: {}", tag, what, attempt, config.sendAttempts(),
          backoff, LogSafe.quote(failure.getMessage()));
      return vertx.timer(Math.max(1, backoff)).compose(waited -> attempt(what, tag, send, attempt + 1));
    });
  }

  /**
   * The last value of a header (case-insensitive), as UTF-8; a header without a value reads as empty.
   * Read from the Kafka record itself: vert.x's header list fails on a header without a value.
   */
  private static String header(KafkaConsumerRecord<String, Buffer> record, String name) {
    String found = null;
    for (Header header : record.record().headers()) {
      if (header.key().equalsIgnoreCase(name)) {
        found = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return found;
  }

  private static OperationException invalid(String message) {
    return new OperationException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
