package dev.switchboard.platform.transport;

import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.OperationException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.apache.kafka.common.header.Header;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a record to {@code <topic>.dlq}: its key, value and headers, plus why it failed
 * ({@code x-error-code}, {@code x-error-message}), where it came from ({@code x-original-topic},
 * {@code x-original-partition}, {@code x-original-offset}) and how many attempts it had
 * ({@code x-attempts}) and who gave up on it ({@code x-dead-lettered-by}: the consuming operation; a
 * stream's {@code .dlq} is shared by all its subscribers).
 */
public final class KafkaDeadLetters {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaDeadLetters.class);

  public static final String ORIGINAL_TOPIC = "x-original-topic";
  public static final String ORIGINAL_PARTITION = "x-original-partition";
  public static final String ORIGINAL_OFFSET = "x-original-offset";
  public static final String ATTEMPTS = "x-attempts";
  public static final String DEAD_LETTERED_BY = "x-dead-lettered-by";

  private final KafkaProducer<String, Buffer> producer;

  public KafkaDeadLetters(KafkaProducer<String, Buffer> producer) {
    this.producer = producer;
  }

  public static String topicOf(String topic) {
    return topic + ".dlq";
  }

  /** Writes the dead letter of {@code record}, given up by {@code deadLetteredBy} (an operation, the bridge). */
  public Future<Void> send(KafkaConsumerRecord<String, Buffer> record, OperationException reason, int attempts,
                           String deadLetteredBy) {
    String topic = topicOf(record.topic());
    KafkaProducerRecord<String, Buffer> dead = KafkaProducerRecord.create(topic, record.key(), record.value());
    // from the Kafka record itself: vert.x's header list fails on a header without a value
    for (Header header : record.record().headers()) {
      if (!header.key().equals(Envelope.ERROR_CODE) && !header.key().equals(Envelope.ERROR_MESSAGE)
          && !header.key().equals(DEAD_LETTERED_BY)) {
        dead.addHeader(header.key(), header.value() == null ? Buffer.buffer() : Buffer.buffer(header.value()));
      }
    }
    dead.addHeader(Envelope.ERROR_CODE, reason.code().name());
    dead.addHeader(Envelope.ERROR_MESSAGE, String.valueOf(reason.getMessage()));
    dead.addHeader(ORIGINAL_TOPIC, record.topic());
    dead.addHeader(ORIGINAL_PARTITION, Integer.toString(record.partition()));
    dead.addHeader(ORIGINAL_OFFSET, Long.toString(record.offset()));
    dead.addHeader(ATTEMPTS, Integer.toString(attempts));
    dead.addHeader(DEAD_LETTERED_BY, deadLetteredBy);
    return producer.send(dead)
        .onSuccess(sent -> LOGGER.warn("record {}-{}@{} dead-lettered to {}: {}", record.topic(), record.partition(),
            record.offset(), topic, LogSafe.quote(reason.getMessage())))
        .mapEmpty();
  }
}
