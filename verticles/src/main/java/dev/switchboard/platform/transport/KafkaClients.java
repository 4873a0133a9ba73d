package dev.switchboard.platform.transport;

import dev.switchboard.platform.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.common.TopicPartitionInfo;
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
  /** How often a new topic's partitions are asked for until each leader serves its partition. */
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
   * creation is on; an existing topic is fine. The topic is used once every partition's leader serves
   * it (see {@link #served}) — one that already existed too: whoever created it may have done so a
   * moment ago (another process, a tool, the bench), and the broker may not serve it yet.
   */
  public Future<Void> ensureTopic(String topic) {
    return topics.computeIfAbsent(topic, name -> reachable()
        .compose(answered -> admin == null ? Future.succeededFuture() : admin
            .createTopics(List.of(new NewTopic(name, settings.partitions(), settings.replicationFactor())))
            .recover(failure -> isTopicExists(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
            .compose(createdOrThere -> served(name, System.currentTimeMillis() + settings.startupTimeoutMs())))
        .onFailure(failure -> topics.remove(name)));
  }

  /**
   * Completes once the topic's metadata shows at least one partition, a leader for each and each leader
   * answers for its partition (the latest offset of every partition is read), or at the deadline all
   * the same (the clients then wait for it themselves). The controller answers a creation before
   * the brokers have applied it: a consumer asking in between is told the topic is unknown (and
   * logs a warning), and the idempotent producer can lose a whole batch — its first request to a
   * partition refused (NOT_LEADER_OR_FOLLOWER) while a later one is taken, the first is then
   * refused as out of order at every retry until its delivery timeout (KAFKA-15591; seen here in
   * the bench's Kafka suite, 66 records, once when the transport created the topic and once when the
   * suite had created it and the transport did not wait because it existed).
   */
  private Future<Void> served(String topic, long deadlineMs) {
    return admin.describeTopics(List.of(topic))
        .compose(described -> {
          List<TopicPartitionInfo> partitions = described.get(topic).getPartitions();
          if (!leadersKnown(partitions)) {
            return Future.succeededFuture(false);
          }
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          partitions.forEach(partition -> latest.put(new TopicPartition(topic, partition.getPartition()),
              OffsetSpec.LATEST));
          return admin.listOffsets(latest).map(true);
        })
        .otherwise(false)
        .compose(ready -> {
          if (ready) {
            return Future.succeededFuture();
          }
          if (System.currentTimeMillis() >= deadlineMs) {
            LOGGER.debug("topic {} created, but its partitions were not served yet after {} ms", topic,
                settings.startupTimeoutMs());
            return Future.succeededFuture();
          }
          return vertx.timer(LEADER_POLL_MS).compose(waited -> served(topic, deadlineMs));
        });
  }

  /**
   * Whether the topic's metadata names a leader for each of its partitions, and has some: a topic
   * described before its partitions are known has none yet, and is not served (an {@code allMatch}
   * over no partitions would say it is).
   */
  static boolean leadersKnown(List<TopicPartitionInfo> partitions) {
    return !partitions.isEmpty() && partitions.stream().allMatch(partition -> partition.getLeader() != null
        && !partition.getLeader().isEmpty());
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
