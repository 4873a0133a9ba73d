package dev.switchboard.platform.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads every record written to a topic from now on, in this process, whichever other process reads
 * it too: a consumer in no group, assigned every partition, starting at their ends. Nothing is
 * committed and nothing is redelivered: it is for whoever waits in this process for a record another
 * process writes (a caller waiting for its result event, wherever the command was handled), not for
 * work. {@link #start} completes once the ends are fixed, so a record written after it is seen.
 */
final class KafkaTopicTail {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaTopicTail.class);

  private final Vertx vertx;
  private final Map<String, String> consumerConfig;
  private final String topic;
  private final Handler<KafkaConsumerRecord<String, Buffer>> handler;
  private KafkaConsumer<String, Buffer> consumer;

  KafkaTopicTail(Vertx vertx, Map<String, String> clientConfig, String topic,
                 Handler<KafkaConsumerRecord<String, Buffer>> handler) {
    this.vertx = vertx;
    this.topic = topic;
    this.handler = handler;
    Map<String, String> config = new HashMap<>(clientConfig);
    config.remove("group.id");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "latest");
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
    this.consumerConfig = Map.copyOf(config);
  }

  /** Creates the consumer off the event loop, assigns every partition and fixes where each one ends now. */
  Future<Void> start() {
    return vertx.executeBlocking(() -> KafkaConsumer.<String, Buffer>create(vertx, consumerConfig))
        .compose(created -> {
          consumer = created;
          consumer.exceptionHandler(failure -> LOGGER.warn("tail of {} failed: {}", topic, failure.getMessage()));
          consumer.handler(handler);
          return consumer.partitionsFor(topic);
        })
        .compose(partitions -> {
          Set<TopicPartition> all = partitions.stream()
              .map(info -> new TopicPartition(topic, info.getPartition())).collect(Collectors.toSet());
          return consumer.assign(all)
              .compose(assigned -> consumer.seekToEnd(all))
              // seeking is lazy: asking each position makes the consumer look the ends up now
              .compose(sought -> {
                List<Future<Long>> positions = new ArrayList<>();
                all.forEach(partition -> positions.add(consumer.position(partition)));
                return Future.all(positions);
              });
        })
        .<Void>mapEmpty()
        .onSuccess(started -> LOGGER.debug("reading {} from its end in this process", topic));
  }

  Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.close();
  }

  @Override
  public String toString() {
    return "tail of " + topic;
  }
}
