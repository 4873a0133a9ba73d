package dev.switchboard.platform.transport;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.PartitionInfo;
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
  /** How often the topic's partitions are asked for while the broker knows none yet. */
  private static final long PARTITIONS_POLL_MS = 100;

  private final Vertx vertx;
  private final Map<String, String> consumerConfig;
  private final String topic;
  private final Handler<KafkaConsumerRecord<String, Buffer>> handler;
  private final long partitionsWithinMs;
  private KafkaConsumer<String, Buffer> consumer;

  /**
   * @param partitionsWithinMs how long {@link #start} waits for the broker to know the topic's
   *                           partitions (a topic being created, by the platform or by the broker
   *                           on first use) before it fails
   */
  KafkaTopicTail(Vertx vertx, Map<String, String> clientConfig, String topic, long partitionsWithinMs,
                 Handler<KafkaConsumerRecord<String, Buffer>> handler) {
    this.vertx = vertx;
    this.partitionsWithinMs = partitionsWithinMs;
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
          return partitions(System.currentTimeMillis() + partitionsWithinMs);
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

  /**
   * The topic's partitions once the broker knows some; fails at the deadline, for a tail assigned
   * no partition would read nothing, and whoever waits for its records would wait for ever.
   */
  private Future<List<PartitionInfo>> partitions(long deadlineMs) {
    return consumer.partitionsFor(topic).compose(partitions -> {
      if (!partitions.isEmpty()) {
        return Future.succeededFuture(partitions);
      }
      if (System.currentTimeMillis() >= deadlineMs) {
        return Future.failedFuture(new IllegalStateException("topic " + topic + " has no partitions the broker knows"
            + " of after " + partitionsWithinMs + " ms (it does not exist: create it, or set topics.create=true)"));
      }
      return vertx.timer(PARTITIONS_POLL_MS).compose(waited -> partitions(deadlineMs));
    });
  }

  Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.close();
  }

  @Override
  public String toString() {
    return "tail of " + topic;
  }
}
