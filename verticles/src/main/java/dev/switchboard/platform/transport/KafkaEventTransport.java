package dev.switchboard.platform.transport;

import dev.switchboard.platform.DeadLetterException;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.KafkaSettings;
import dev.switchboard.platform.config.PlatformConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Kafka as the transport of event mode: commands, result events and domain events are records.
 * <ul>
 *   <li>topics: {@code operations.<name>.topic} (default {@code <prefix>.<name>.v1}, prefix
 *       {@code topics.prefix}, default {@code switchboard}) for commands, {@code operations.<name>.resultTopic}
 *       (default {@code <prefix>.<name>.result.v1}) for results, {@code <prefix>.<stream>.v1} for a
 *       stream's domain events, and {@code <topic>.dlq} for dead letters;</li>
 *   <li>record key = the aggregate id (the order id), so one order's messages keep their order;
 *       headers = the envelope's ({@code x-message-id}, {@code x-correlation-id}, …);</li>
 *   <li>producer: idempotent, {@code acks=all} (both overridable under {@code kafka.});</li>
 *   <li>consumers: one group per consuming operation ({@code <prefix>.<name>}), offsets committed
 *       after the work is done (at least once; consumers deduplicate by message id); result events
 *       in one group per operation for the saga owners ({@code <prefix>.<name>.results}), and read
 *       by every process from the end for callers waiting for them ({@link KafkaTopicTail}); each
 *       consumer's {@code client.id} names this process and its store, and the groups of commands and
 *       stream events are checked at start-up for replicas with stores of their own ({@link ReplicaCheck}).</li>
 * </ul>
 */
public final class KafkaEventTransport implements EventTransport {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaEventTransport.class);

  /** Records in flight per consumer before it pauses; an event-mode orders.place holds one until its order ends. */
  private static final int MAX_IN_FLIGHT = 4_096;

  private final Vertx vertx;
  private final PlatformConfig config;
  private final KafkaSettings kafka;
  private final MeterRegistry registry;
  private final KafkaClients clients;
  private final io.vertx.core.Context transportContext;
  private final ResultFan resultConsumers = new ResultFan();
  private final ResultFan resultTails = new ResultFan();
  private final List<KafkaRecordConsumer> consumers = new CopyOnWriteArrayList<>();
  private final List<KafkaTopicTail> tails = new CopyOnWriteArrayList<>();
  private final ReplicaCheck replicas;

  public KafkaEventTransport(Vertx vertx, PlatformConfig config, MeterRegistry registry, ReplicaCheck replicas) {
    this.vertx = vertx;
    this.replicas = replicas;
    this.config = config;
    this.kafka = config.kafka();
    this.registry = registry;
    this.clients = new KafkaClients(vertx, kafka);
    this.transportContext = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
    LOGGER.info("kafka transport: {}", kafka);
  }

  private String commandTopic(String operation) {
    return config.operation(operation).topic();
  }

  private String resultTopic(String operation) {
    return config.operation(operation).resultTopic();
  }

  // ---------------------------------------------------------------- producing

  @Override
  public Future<Void> sendCommand(String operation, Envelope command) {
    return send(commandTopic(operation), command);
  }

  @Override
  public Future<Void> publishResult(String operation, Envelope result) {
    return send(resultTopic(operation), result);
  }

  @Override
  public Future<Void> publishEvent(String stream, Envelope event) {
    return send(kafka.streamTopic(stream), event);
  }

  /** Completes when the broker has the record (acks=all by default): the message is durable. */
  private Future<Void> send(String topic, Envelope envelope) {
    String key = envelope.context().aggregateId().isEmpty()
        ? envelope.context().messageId() : envelope.context().aggregateId();
    KafkaProducerRecord<String, Buffer> record = KafkaProducerRecord.create(topic, key, envelope.body());
    envelope.headers().forEach(header -> record.addHeader(header.getKey(), header.getValue()));
    return clients.ensureTopic(topic)
        .compose(ready -> clients.producer().send(record))
        .<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE,
            "kafka: could not publish to " + topic + ": " + failure.getMessage())));
  }

  // ---------------------------------------------------------------- consuming

  @Override
  public Future<Void> consumeCommands(String operation, Function<Envelope, Future<Void>> handler) {
    return consume(commandTopic(operation), kafka.group(operation), operation, true, handler);
  }

  @Override
  public Future<Void> consumeEvents(String stream, String subscriber, Function<Envelope, Future<Void>> handler) {
    return consume(kafka.streamTopic(stream), kafka.group(subscriber), subscriber, true, handler);
  }

  /**
   * One consumer per operation and process, in the operation's results group ({@code <group>.results},
   * shared by the saga owners of every replica: each result reaches one of them), fanning result
   * events out to every local listener. It lives on the transport's own context, not on the first
   * listener's verticle, so undeploying a verticle does not stop the results of the others.
   */
  @Override
  public Future<Void> consumeResults(String operation, Handler<Envelope> handler) {
    return fanOut(resultConsumers, operation, handler, () ->
        consume(resultTopic(operation), kafka.group(operation) + ".results", operation + ".results", false,
            result -> {
              deliver(resultConsumers, operation, result);
              return Future.succeededFuture();
            }));
  }

  /**
   * One tail of the result topic per operation and process ({@link KafkaTopicTail}: no group, every
   * partition, from its end), fanning every result out to the local listeners: whichever replica
   * handled a command, the process whose caller waits for its result sees it.
   */
  @Override
  public Future<Void> listenResults(String operation, Handler<Envelope> handler) {
    return fanOut(resultTails, operation, handler, () -> clients.ensureTopic(resultTopic(operation)).compose(ready -> {
      Handler<KafkaConsumerRecord<String, Buffer>> results = record -> {
        try {
          deliver(resultTails, operation, envelope(record));
        } catch (RuntimeException undecodable) {
          LOGGER.debug("undecodable result record on {} skipped: {}", record.topic(), undecodable.getMessage());
        }
      };
      KafkaTopicTail tail = new KafkaTopicTail(vertx, kafka.clientConfig(), resultTopic(operation),
          kafka.startupTimeoutMs(), results);
      tails.add(tail);
      return tail.start();
    }));
  }

  /**
   * Adds a listener of the operation's results in {@code fan}, starting its reader (on the transport's
   * context) for the first one. A listener lives as long as the verticle that registered it (a service
   * stopped and started again registers anew).
   */
  private Future<Void> fanOut(ResultFan fan, String operation, Handler<Envelope> handler,
                              java.util.function.Supplier<Future<Void>> reader) {
    List<Handler<Envelope>> listeners = fan.listeners.computeIfAbsent(operation, name -> new CopyOnWriteArrayList<>());
    listeners.add(handler);
    if (io.vertx.core.Vertx.currentContext() instanceof io.vertx.core.internal.ContextInternal listening
        && listening.isDeployment()) {
      listening.addCloseHook(completion -> {
        listeners.remove(handler);
        completion.succeed();
      });
    }
    return fan.readers.computeIfAbsent(operation, name -> onTransportContext(reader)
        .onFailure(failure -> fan.readers.remove(name)));
  }

  private static void deliver(ResultFan fan, String operation, Envelope result) {
    for (Handler<Envelope> listener : fan.listeners.get(operation)) {
      try {
        listener.handle(result);
      } catch (RuntimeException e) {
        LOGGER.error("{} a listener of {} results failed", result.context().logTag(), operation, e);
      }
    }
  }

  /** The listeners of each operation's results, and the reader that feeds them. */
  private static final class ResultFan {
    final Map<String, List<Handler<Envelope>>> listeners = new ConcurrentHashMap<>();
    final Map<String, Future<Void>> readers = new ConcurrentHashMap<>();
  }

  private <T> Future<T> onTransportContext(java.util.function.Supplier<Future<T>> task) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    transportContext.runOnContext(v -> task.get().onComplete(done));
    return done.future();
  }

  /**
   * Consumes {@code topic} in {@code group}; {@code consumer} names who dead-letters what it gives up on;
   * {@code checked}: the group is one the start-up's replica check judges (commands, stream events).
   */
  private Future<Void> consume(String topic, String group, String consumer, boolean checked,
                               Function<Envelope, Future<Void>> handler) {
    KafkaRecordConsumer records = new KafkaRecordConsumer(vertx, replicas.consumerConfig(kafka.clientConfig()), topic,
        group, MAX_IN_FLIGHT,
        registry, record -> {
          Envelope envelope;
          try {
            envelope = envelope(record);
          } catch (RuntimeException undecodable) {
            // poison: headers no envelope can be made of go to the dead letters at once, never retried
            return deadLetter(record, consumer, new DeadLetterException(new OperationException(
                ErrorCode.INVALID_ARGUMENT, "undecodable record headers: " + undecodable.getMessage()), 1));
          }
          // only a dead letter leaves the partition; any other failure is not the record's fault, and the
          // record is tried again (its offset holds the partition's commits until it is done)
          return handler.apply(envelope).recover(failure -> failure instanceof DeadLetterException
              ? deadLetter(record, consumer, failure) : Future.failedFuture(failure));
        });
    consumers.add(records);
    if (checked) {
      replicas.watch(records);
    }
    return clients.ensureTopic(topic).compose(ready -> records.start());
  }

  private static Envelope envelope(KafkaConsumerRecord<String, Buffer> record) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    // read from Kafka's own record: a header without a value is skipped (vertx-kafka-client's view throws)
    for (org.apache.kafka.common.header.Header header : record.record().headers()) {
      if (header.value() != null) {
        headers.add(header.key(), new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    Envelope envelope = Envelope.fromHeaders(record.value() == null ? Buffer.buffer() : record.value(), headers);
    if (envelope.context().messageId().isEmpty()) {
      // a record from outside the platform: its coordinates identify it for deduplication
      envelope = envelope.withMessageId(record.topic() + "-" + record.partition() + "@" + record.offset());
    }
    return envelope;
  }

  /** Dead letters stay in the {@code .dlq} topics. */
  @Override
  public boolean keepsDeadLetters() {
    return true;
  }

  /** Moves the record to {@code <topic>.dlq} with the reason; the consumer then goes on with the next record. */
  private Future<Void> deadLetter(KafkaConsumerRecord<String, Buffer> record, String consumer, Throwable failure) {
    OperationException reason = failure instanceof DeadLetterException letter ? letter.reason()
        : OperationException.from(record.topic(), failure);
    int attempts = failure instanceof DeadLetterException letter ? letter.attempts() : 1;
    return clients.ensureTopic(KafkaDeadLetters.topicOf(record.topic()))
        .compose(ready -> clients.deadLetters().send(record, reason, attempts, consumer));
  }

  /** Closes the consumers (committing what is done), then the producer and the admin client. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    consumers.forEach(consumer -> closing.add(clients.bounded(consumer.close(), "consumer " + consumer)));
    tails.forEach(tail -> closing.add(clients.bounded(tail.close(), tail.toString())));
    return Future.join(closing).transform(closed -> clients.close());
  }
}
