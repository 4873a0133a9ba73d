package dev.switchboard.platform.transport;

import dev.switchboard.platform.Backoff;

import dev.switchboard.platform.KeyedSequencer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Consumes one topic at least once: a record's offset is committed only after its work is done,
 * and only once every earlier record of its partition is done too, so a crash redelivers whatever
 * was not finished (consumers deduplicate). Records with the same key are worked on one at a time,
 * in order; different keys concurrently, up to {@code maxInFlight}, beyond which the consumer pauses.
 * Publishes the consumer lag of its group as a gauge. A consumer {@linkplain #holdUntil held} takes its
 * records but works on none of them until the gate opens ({@link ReplicaCheck}: not before the
 * replicas in its group are known to share this process's store); if the gate fails they stay undone
 * and uncommitted, for whoever owns the partitions next.
 */
public final class KafkaRecordConsumer {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaRecordConsumer.class);
  /**
   * How often finished records are committed. Every commit is a write to the broker's offsets log,
   * per consumer: at 50 ms, a node's twenty-odd consumers made the broker spend a quarter of its
   * request handling on commits. A crash redelivers at most this much more finished work, which the
   * consumers deduplicate; a rebalance and a close commit at once.
   */
  private static final long DEFAULT_COMMIT_INTERVAL_MS = 250;
  private static final long LAG_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final Map<String, String> consumerConfig;
  private KafkaConsumer<String, Buffer> consumer;
  private final String topic;
  private final String group;
  private final Function<KafkaConsumerRecord<String, Buffer>, Future<Void>> work;
  private final int maxInFlight;
  private final KeyedSequencer perKey = new KeyedSequencer();
  private final Map<TopicPartition, TreeMap<Long, Boolean>> progress = new HashMap<>();
  /**
   * Per partition, the offset after the longest run of finished records not committed yet. Written on
   * the consumer's context, read by the periodic commit there and by the rebalance listener on Kafka's
   * polling thread, which commits it before the partition goes to another consumer.
   */
  private final Map<org.apache.kafka.common.TopicPartition, Long> committable = new ConcurrentHashMap<>();
  private final long commitIntervalMs;
  private final AtomicLong lag = new AtomicLong();
  private final ConsumerLag consumerLag = new ConsumerLag();
  private final Promise<Void> joined = Promise.promise();
  /** Records taken while the gate is closed, in the order they came; on the consumer's context. */
  private final List<KafkaConsumerRecord<String, Buffer>> held = new java.util.ArrayList<>();
  private Future<Void> gate = Future.succeededFuture();
  /** Whether the gate has opened, as seen on the consumer's context (records keep their order across it). */
  private boolean open;
  private int inFlight;
  private boolean paused;
  private boolean commitScheduled;
  private volatile boolean closing;
  private Future<Void> closed;
  private final Context context;
  private long lagTimer = -1;

  public KafkaRecordConsumer(Vertx vertx, Map<String, String> config, String topic, String group, int maxInFlight,
                      MeterRegistry registry, Function<KafkaConsumerRecord<String, Buffer>, Future<Void>> work) {
    this(vertx, config, topic, group, maxInFlight, DEFAULT_COMMIT_INTERVAL_MS, registry, work);
  }

  /** As above, committing finished records every {@code commitIntervalMs} (and always before a rebalance). */
  public KafkaRecordConsumer(Vertx vertx, Map<String, String> config, String topic, String group, int maxInFlight,
                             long commitIntervalMs, MeterRegistry registry,
                             Function<KafkaConsumerRecord<String, Buffer>, Future<Void>> work) {
    this.vertx = vertx;
    this.commitIntervalMs = commitIntervalMs;
    this.topic = topic;
    this.group = group;
    this.work = work;
    this.maxInFlight = maxInFlight;
    Map<String, String> consumerConfig = new HashMap<>();
    consumerConfig.put("auto.offset.reset", "earliest");
    consumerConfig.putAll(config);
    consumerConfig.put("group.id", group);
    consumerConfig.put("enable.auto.commit", "false");
    consumerConfig.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    consumerConfig.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
    this.consumerConfig = Map.copyOf(consumerConfig);
    this.context = vertx.getOrCreateContext(); // where the consumer will deliver its records
    Gauge.builder("switchboard.kafka.consumer.lag", lag, AtomicLong::get)
        .description("Records of the topic not yet consumed by the group")
        .tags("topic", topic, "group", group).register(registry);
  }

  /** The consumer group it consumes in. */
  public String group() {
    return group;
  }

  /**
   * Completes once the consumer has joined its group: when the group first gave it its partitions
   * (perhaps none, when the group has more members than the topic has partitions).
   */
  public Future<Void> joined() {
    return joined.future();
  }

  /** Works on no record before {@code gate} has succeeded (records taken meanwhile wait); call before {@link #start}. */
  public void holdUntil(Future<Void> gate) {
    this.gate = gate;
  }

  /** Creates the Kafka consumer off the event loop (it resolves the broker addresses), then subscribes. */
  public Future<Void> start() {
    return context.executeBlocking(() -> KafkaConsumer.create(vertx,
            new CommitBeforeRevokeConsumer(consumerConfig, this::takeCommittable, consumerLag)))
        .compose(created -> {
          consumer = created;
          // when the verticle that consumes is undeployed, commit what is done before the consumer goes
          ((ContextInternal) context).addCloseHook(completion -> {
            long bound = vertx.setTimer(3_000, expired -> completion.succeed());
            close().onComplete(closedNow -> {
              vertx.cancelTimer(bound);
              completion.succeed();
            });
          });
          return subscribe();
        });
  }

  private Future<Void> subscribe() {
    consumer.partitionsRevokedHandler(this::revoked);
    consumer.partitionsAssignedHandler(partitions -> {
      LOGGER.debug("{} ({}): assigned {}", topic, group, partitions);
      joined.tryComplete();
    });
    if (gate.succeeded()) {
      open = true;
    } else {
      gate.onComplete(opened -> context.runOnContext(v -> release(opened.succeeded())));
    }
    consumer.exceptionHandler(failure -> {
      if (closing) {
        // vertx-kafka-client's close can race its own poll loop; the offsets were committed before
        LOGGER.debug("consumer of {} ({}) while closing: {}", topic, group, failure.getMessage());
      } else {
        LOGGER.warn("consumer of {} ({}) failed: {}", topic, group, failure.getMessage());
      }
    });
    consumer.handler(this::handle);
    lagTimer = vertx.setPeriodic(LAG_INTERVAL_MS, tick -> measureLag());
    return consumer.subscribe(topic).onSuccess(subscribed -> LOGGER.info("consuming {} as group {}", topic, group));
  }

  private void handle(KafkaConsumerRecord<String, Buffer> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    progress.computeIfAbsent(partition, p -> new TreeMap<>()).put(record.offset(), false);
    if (++inFlight >= maxInFlight && !paused) {
      paused = true;
      consumer.pause();
    }
    if (!open) {
      held.add(record);
      return;
    }
    work(partition, record);
  }

  /** The gate opened (work on what was held, in order) or failed (leave it undone: the consumer is closing). */
  private void release(boolean opened) {
    if (!opened) {
      LOGGER.debug("consumer of {} ({}): {} record(s) held, left undone", topic, group, held.size());
      return;
    }
    open = true;
    List<KafkaConsumerRecord<String, Buffer>> waiting = List.copyOf(held);
    held.clear();
    waiting.forEach(record -> work(new TopicPartition(record.topic(), record.partition()), record));
  }

  private void work(TopicPartition partition, KafkaConsumerRecord<String, Buffer> record) {
    String key = record.key() == null ? partition + "/" + record.offset() : record.key();
    // the work and all bookkeeping run on this consumer's context, whichever thread completed what
    perKey.run(key, () -> onContext(() -> attempt(record, 1)))
        .onComplete(done -> context.runOnContext(v -> finished(partition, record, done.succeeded())));
  }

  /**
   * The work handles its own failures (retries, dead letters); one that still escapes (the dead-letter
   * topic unreachable, say) is tried again with backoff, never skipped: its offset holds the
   * partition's commits until it is done.
   */
  private Future<Void> attempt(KafkaConsumerRecord<String, Buffer> record, int attempt) {
    Future<Void> outcome;
    try {
      outcome = work.apply(record);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.recover(failure -> {
      if (closing) {
        return Future.failedFuture(failure);
      }
      long backoff = Backoff.delayMs(100, attempt, 30_000);
      LOGGER.warn("record {}-{}@{} not processed (attempt {}), again in {} ms: {}", record.topic(),
          record.partition(), record.offset(), attempt, backoff, failure.getMessage());
      return vertx.timer(backoff).compose(waited -> attempt(record, attempt + 1));
    });
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> task) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(done));
    return done.future();
  }

  private void finished(TopicPartition partition, KafkaConsumerRecord<String, Buffer> record, boolean done) {
    TreeMap<Long, Boolean> offsets = progress.get(partition);
    if (done && offsets != null && offsets.containsKey(record.offset())) {
      offsets.put(record.offset(), true);
      Long next = null;
      while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
        next = offsets.pollFirstEntry().getKey() + 1;
      }
      if (next != null) {
        committable.put(new org.apache.kafka.common.TopicPartition(partition.getTopic(), partition.getPartition()),
            next);
      }
    }
    if (--inFlight < maxInFlight && paused) {
      paused = false;
      consumer.resume();
    }
    scheduleCommit();
  }

  private void scheduleCommit() {
    if (!commitScheduled && !closing) {
      commitScheduled = true;
      vertx.setTimer(commitIntervalMs, timer -> {
        commitScheduled = false;
        if (!closing) {
          commitDone();
        }
      });
    }
  }

  /** Commits, per partition, the offset after the longest run of finished records from the oldest. */
  private Future<Void> commitDone() {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    takeCommittable(committable.keySet()).forEach((partition, offset) -> commits.put(
        new TopicPartition(partition.topic(), partition.partition()), new OffsetAndMetadata(offset.offset(), "")));
    if (commits.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.commit(commits)
        .onSuccess(committed -> commits.forEach((partition, offset) -> consumerLag.committed(
            new org.apache.kafka.common.TopicPartition(partition.getTopic(), partition.getPartition()),
            offset.getOffset())))
        // toString: the failures a commit meets often carry no message (the class says what happened)
        .onFailure(failure -> LOGGER.warn("commit on {} failed (records will be redelivered): {}", topic,
            failure.toString()))
        .mapEmpty();
  }

  /** Takes the committable offsets of {@code partitions} out (whoever takes them commits them); any thread. */
  private Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
      takeCommittable(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> taken =
        new HashMap<>();
    for (org.apache.kafka.common.TopicPartition partition : List.copyOf(partitions)) {
      Long offset = committable.remove(partition);
      if (offset != null) {
        taken.put(partition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(offset));
      }
    }
    return taken;
  }

  private void revoked(Set<TopicPartition> partitions) {
    LOGGER.debug("{} ({}): revoked {}", topic, group, partitions);
    if (!closing) {
      commitDone();
    }
    // held records of those partitions are the next owner's now: dropped, never worked on here
    for (java.util.Iterator<KafkaConsumerRecord<String, Buffer>> waiting = held.iterator(); waiting.hasNext(); ) {
      KafkaConsumerRecord<String, Buffer> record = waiting.next();
      if (partitions.contains(new TopicPartition(record.topic(), record.partition()))) {
        waiting.remove();
        finished(new TopicPartition(record.topic(), record.partition()), record, false);
      }
    }
    partitions.forEach(progress::remove);
  }

  /**
   * The group's lag on the partitions this member owns: the log end offset minus the committed offset,
   * as this member knows them ({@link ConsumerLag}: the broker is not asked).
   */
  private void measureLag() {
    if (!closing) {
      lag.set(consumerLag.total());
    }
  }

  @Override
  public String toString() {
    return topic + " (" + group + ")";
  }

  /**
   * Commits what is done, then closes. Nothing touches the Kafka consumer after this starts but the
   * last commit: a call on a closed vertx-kafka-client consumer would start a second worker thread
   * on the same (single-threaded) Kafka consumer.
   */
  public synchronized Future<Void> close() {
    if (closed != null) {
      return closed;
    }
    closing = true;
    if (consumer == null) {
      closed = Future.succeededFuture();
      return closed;
    }
    if (lagTimer >= 0) {
      vertx.cancelTimer(lagTimer);
    }
    closed = commitDone().transform(committed -> consumer.close());
    return closed;
  }
}
