package dev.switchboard.platform.transport;

import dev.switchboard.platform.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kafka clients one component shares: an idempotent producer ({@code acks=all}; both
 * overridable under {@code kafka.}), the admin client that creates missing topics (when
 * {@code topics.create}), and the dead-letter writer. Closing is bounded, so a broker that went
 * away cannot hold a shutdown.
 */
public final class KafkaClients {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaClients.class);
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final KafkaProducer<String, Buffer> producer;
  private final KafkaAdminClient admin;
  private final KafkaDeadLetters deadLetters;
  private final Map<String, Future<Void>> topics = new ConcurrentHashMap<>();

  public KafkaClients(Vertx vertx, KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    Map<String, String> producerConfig = new HashMap<>();
    producerConfig.put("acks", "all");
    producerConfig.put("enable.idempotence", "true");
    producerConfig.put("linger.ms", "1");
    producerConfig.putAll(settings.clientConfig());
    producerConfig.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    producerConfig.put("value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer");
    this.producer = KafkaProducer.create(vertx, producerConfig);
    this.admin = settings.createTopics() ? KafkaAdminClient.create(vertx, settings.clientConfig()) : null;
    this.deadLetters = new KafkaDeadLetters(producer);
  }

  public KafkaProducer<String, Buffer> producer() {
    return producer;
  }

  public KafkaDeadLetters deadLetters() {
    return deadLetters;
  }

  /** Creates the topic once, if topic creation is on; an existing topic is fine. */
  public Future<Void> ensureTopic(String topic) {
    if (admin == null) {
      return Future.succeededFuture();
    }
    return topics.computeIfAbsent(topic, name -> admin
        .createTopics(List.of(new NewTopic(name, settings.partitions(), settings.replicationFactor())))
        .recover(failure -> isTopicExists(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
        .onFailure(failure -> topics.remove(name)));
  }

  private static boolean isTopicExists(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TopicExistsException) {
        return true;
      }
    }
    return false;
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(bounded(producer.close(CLOSE_TIMEOUT_MS), "producer"));
    if (admin != null) {
      closing.add(bounded(admin.close(CLOSE_TIMEOUT_MS), "admin client"));
    }
    return Future.join(closing).mapEmpty();
  }

  /** Completes when {@code closing} does, or after the close timeout with a warning. */
  public Future<Void> bounded(Future<Void> closing, String what) {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(CLOSE_TIMEOUT_MS + 1_000, expired -> {
      if (done.tryComplete()) {
        LOGGER.warn("kafka {} did not close within {} ms", what, CLOSE_TIMEOUT_MS + 1_000);
      }
    });
    closing.onComplete(outcome -> {
      vertx.cancelTimer(timer);
      if (outcome.failed()) {
        LOGGER.warn("kafka {} closed with an error: {}", what, outcome.cause().getMessage());
      }
      done.tryComplete();
    });
    return done.future();
  }
}
