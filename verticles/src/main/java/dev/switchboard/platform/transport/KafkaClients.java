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
import java.util.concurrent.TimeUnit;

/**
 * The Kafka clients one component shares: an idempotent producer ({@code acks=all}; both
 * overridable under {@code kafka.}), the admin client that creates missing topics (when
 * {@code topics.create}), and the dead-letter writer. Before the first topic is used, a broker must
 * answer within {@code startup.kafkaTimeoutMs}, so that an unreachable bootstrap address fails
 * start-up instead of hanging it. Closing is bounded, so a broker that went away cannot hold a
 * shutdown.
 */
public final class KafkaClients {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaClients.class);
  private static final long CLOSE_TIMEOUT_MS = 5_000;
  /** How often a new topic's metadata is asked for until each partition has a leader. */
  private static final long LEADER_POLL_MS = 25;

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final KafkaProducer<String, Buffer> producer;
  private final KafkaAdminClient admin;
  private final KafkaDeadLetters deadLetters;
  private final Map<String, Future<Void>> topics = new ConcurrentHashMap<>();
  private Future<Void> reached;

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
    // every send's own future carries its failure to a caller who handles it (retries, dead letters,
    // logs): without a handler here, vert.x would also report each one as an unhandled exception
    producer.exceptionHandler(failure -> LOGGER.debug("kafka producer: a send failed: {}", failure.toString()));
    this.admin = settings.createTopics() ? KafkaAdminClient.create(vertx, settings.clientConfig()) : null;
    this.deadLetters = new KafkaDeadLetters(producer);
  }

  public KafkaProducer<String, Buffer> producer() {
    return producer;
  }

  public KafkaDeadLetters deadLetters() {
    return deadLetters;
  }

  /**
   * Makes sure a broker answers (see {@link #reachable()}), then creates the topic once if topic
   * creation is on; an existing topic is fine. A topic it created is used once the broker's metadata
   * shows it with a leader for every partition: the controller answers a creation before the
   * brokers have learnt of it, and a client asking in between is told the topic is unknown (which
   * its consumer logs as a warning, and retries).
   */
  public Future<Void> ensureTopic(String topic) {
    return topics.computeIfAbsent(topic, name -> reachable()
        .compose(answered -> admin == null ? Future.succeededFuture() : admin
            .createTopics(List.of(new NewTopic(name, settings.partitions(), settings.replicationFactor())))
            .compose(created -> led(name, System.currentTimeMillis() + settings.startupTimeoutMs()))
            .recover(failure -> isTopicExists(failure) ? Future.succeededFuture() : Future.failedFuture(failure)))
        .onFailure(failure -> topics.remove(name)));
  }

  /**
   * Completes once the topic's metadata shows a leader for each of its partitions, or at the
   * deadline all the same (the clients then wait for it themselves).
   */
  private Future<Void> led(String topic, long deadlineMs) {
    return admin.describeTopics(List.of(topic))
        .map(described -> described.get(topic).getPartitions().stream()
            .allMatch(partition -> partition.getLeader() != null && !partition.getLeader().isEmpty()))
        .otherwise(false)
        .compose(ready -> {
          if (ready) {
            return Future.succeededFuture();
          }
          if (System.currentTimeMillis() >= deadlineMs) {
            LOGGER.debug("topic {} created, but its partitions had no leader yet after {} ms", topic,
                settings.startupTimeoutMs());
            return Future.succeededFuture();
          }
          return vertx.timer(LEADER_POLL_MS).compose(waited -> led(topic, deadlineMs));
        });
  }

  /**
   * Completes once a broker has answered (asked the first time, then remembered); fails with a
   * {@link BrokerUnreachableException} when none answers within {@code startup.kafkaTimeoutMs}. A
   * failure is not remembered: the next call asks again.
   */
  public synchronized Future<Void> reachable() {
    if (reached == null) {
      Future<Void> asking = askBroker();
      reached = asking;
      asking.onFailure(failure -> forget(asking));
    }
    return reached;
  }

  private synchronized void forget(Future<Void> failed) {
    if (reached == failed) {
      reached = null;
    }
  }

  /**
   * Describes the cluster with an admin client of its own, whose calls give up after the start-up
   * timeout too (creating it resolves the addresses: off the event loop). The client is closed
   * without waiting for it: a call still waiting for the broker would hold the close.
   */
  private Future<Void> askBroker() {
    long timeout = settings.startupTimeoutMs();
    Map<String, String> probeConfig = new HashMap<>(settings.clientConfig());
    probeConfig.put("request.timeout.ms", Long.toString(timeout));
    probeConfig.put("default.api.timeout.ms", Long.toString(timeout));
    return vertx.executeBlocking(() -> KafkaAdminClient.create(vertx, probeConfig))
        .compose(probe -> probe.describeCluster()
            .timeout(timeout, TimeUnit.MILLISECONDS)
            .onComplete(answered -> probe.close(0)))
        .<Void>mapEmpty()
        .recover(failure -> Future.failedFuture(new BrokerUnreachableException(settings, failure)));
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
