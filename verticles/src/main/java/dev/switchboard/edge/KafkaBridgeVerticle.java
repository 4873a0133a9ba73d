package dev.switchboard.edge;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.OrderDesk;
import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.EventTypes;
import dev.switchboard.platform.Handling;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.KafkaSettings;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.KafkaClients;
import dev.switchboard.platform.transport.KafkaRecordConsumer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Opens the platform to consumers and producers outside it, in any language, through Kafka.
 * <ul>
 *   <li>out: every order domain event, whatever the internal modes, to {@code bridge.topic} as a
 *       binary-mode CloudEvent (key = order id; {@code ce_id} = the event id, stable across
 *       re-publication; {@code ce_type} such as {@code switchboard.checkout.v1.OrderConfirmed}); it is
 *       a subscriber of the order events like any other ({@code bridge.orderEvents});</li>
 *   <li>in: a PlaceOrderRequest (JSON) written to {@code bridge.commandTopic} with a {@code ce_id}
 *       header places an order (the same {@code ce_id} places one order); the PlaceOrderResponse
 *       (JSON) goes to the {@code reply-topic} header's topic with {@code correlation-id} = the
 *       {@code ce_id}: see {@link BridgeCommands}.</li>
 * </ul>
 */
public final class KafkaBridgeVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaBridgeVerticle.class);

  /**
   * The bridge's subscription to the order events. Idempotent: an event published again carries the
   * same {@code ce_id}, by which the topic's consumers tell it from a new one.
   */
  public static final Operation<OrderEvent, EventAck> BRIDGE_ORDER_EVENTS =
      Operation.subscriber("bridge.orderEvents", CheckoutOperations.ORDER_EVENTS, OrderEvent.parser(),
          EventAck.parser()).handled(Handling.IDEMPOTENT);

  private final BridgeConfig config;
  private final KafkaSettings kafka;
  private final Switchboard switchboard;
  private final OrderDesk desk;
  private KafkaClients clients;
  private KafkaRecordConsumer commands;
  private BridgeCommands handler;

  public KafkaBridgeVerticle(BridgeConfig config, KafkaSettings kafka, Switchboard switchboard, OrderDesk desk) {
    this.config = config;
    this.kafka = kafka;
    this.switchboard = switchboard;
    this.desk = desk;
  }

  @Override
  public Future<?> start() {
    // its orders are deduplicated by idempotency key in this process's store: replicas must share it
    commands = switchboard.replicas().watch(new KafkaRecordConsumer(vertx,
        switchboard.replicas().consumerConfig(kafka.clientConfig()), config.commandTopic(),
        kafka.group("bridge.commands"), 64, switchboard.metrics().registry(), record -> handler.handle(record)));
    // the Kafka clients resolve the broker addresses when created: not on the event loop
    return vertx.executeBlocking(() -> new KafkaClients(vertx, kafka))
        .compose(created -> {
          clients = created;
          handler = new BridgeCommands(vertx, config, desk, clients);
          return clients.ensureTopic(config.topic());
        })
        .compose(ready -> switchboard.serve(BRIDGE_ORDER_EVENTS, (event, context) ->
            publish(event, context).map(EventAck.newBuilder().setEventId(event.getEventId()).build())))
        .compose(serving -> clients.ensureTopic(config.commandTopic()))
        .compose(ready -> commands.start())
        .onSuccess(started -> LOGGER.info("kafka bridge: order events to {} ({}), commands from {}", config.topic(),
            config.format().name().toLowerCase(), config.commandTopic()));
  }

  @Override
  public Future<?> stop() {
    if (clients == null) {
      return commands == null ? Future.succeededFuture() : commands.close();
    }
    return clients.bounded(commands.close(), "bridge command consumer").transform(closed -> clients.close());
  }

  // ---------------------------------------------------------------- out

  private Future<Void> publish(OrderEvent event, CallContext context) {
    byte[] data;
    String contentType;
    try {
      if (config.format() == BridgeConfig.Format.JSON) {
        data = JsonFormat.printer().omittingInsignificantWhitespace().print(event).getBytes(StandardCharsets.UTF_8);
        contentType = "application/json";
      } else {
        data = event.toByteArray();
        contentType = "application/protobuf";
      }
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(new OperationException(ErrorCode.INTERNAL, "event not printable: " + e.getMessage()));
    }
    Instant occurred = Instant.ofEpochSecond(event.getOccurredAt().getSeconds(), event.getOccurredAt().getNanos());
    CloudEvent cloudEvent = CloudEventBuilder.v1()
        .withId(event.getEventId())
        .withType(EventTypes.of(event))
        .withSource(URI.create(config.source()))
        .withSubject(event.getOrderId())
        .withTime(OffsetDateTime.ofInstant(occurred, ZoneOffset.UTC))
        .withData(contentType, data)
        .withExtension("correlationid", context.correlationId())
        .build();
    ProducerRecord<String, byte[]> record = KafkaMessageFactory.<String>createWriter(config.topic(), event.getOrderId())
        .writeBinary(cloudEvent);
    KafkaProducerRecord<String, Buffer> out = KafkaProducerRecord.create(config.topic(), event.getOrderId(),
        Buffer.buffer(record.value()));
    for (Header header : record.headers()) {
      out.addHeader(header.key(), Buffer.buffer(header.value()));
    }
    out.addHeader(Envelope.CORRELATION_ID, context.correlationId());
    return clients.producer().send(out)
        .onSuccess(sent -> LOGGER.debug("{} {} bridged to {}", context.logTag(), cloudEvent.getType(), config.topic()))
        .mapEmpty();
  }
}
