package dev.switchboard.platform.transport;

import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * A Kafka consumer that commits the offsets of finished work inside Kafka's own rebalance
 * callback, before its partitions are revoked and handed to another member of the group.
 * vertx-kafka-client runs its revoke handler only after that callback has returned, when the
 * partitions may already be someone else's: a commit there comes too late, and the new owner gets
 * finished records again. Here the commit is synchronous, on the polling thread, where Kafka
 * allows it. It also notes, on the polling thread, what it learns anyway of where its partitions
 * end and where the group had got to on each one it is assigned ({@link ConsumerLag}).
 */
final class CommitBeforeRevokeConsumer extends KafkaConsumer<String, Buffer> {

  private static final Logger LOGGER = LoggerFactory.getLogger(CommitBeforeRevokeConsumer.class);

  /** How often the partitions' ends are noted: not on every poll, which may come thousands of times a second. */
  private static final long ENDS_EVERY_NANOS = 200_000_000L;

  private final Function<Collection<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> finished;
  private final ConsumerLag lag;
  private long endsNoted = System.nanoTime() - ENDS_EVERY_NANOS;

  /**
   * @param finished takes out the offsets of finished, not yet committed work of the given partitions
   * @param lag      where the partitions' ends and the group's committed offsets at assignment go
   */
  CommitBeforeRevokeConsumer(Map<String, String> config,
                             Function<Collection<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> finished,
                             ConsumerLag lag) {
    super(new HashMap<String, Object>(config));
    this.finished = finished;
    this.lag = lag;
  }

  @Override
  public ConsumerRecords<String, Buffer> poll(Duration timeout) {
    ConsumerRecords<String, Buffer> records = super.poll(timeout);
    long now = System.nanoTime();
    if (now - endsNoted >= ENDS_EVERY_NANOS) {
      endsNoted = now;
      noteEnds();
    }
    return records;
  }

  /**
   * Each owned partition's end: the position plus what the last fetch said remains behind it (both
   * known here without asking the broker; a partition not fetched yet is left out).
   */
  private void noteEnds() {
    for (TopicPartition partition : assignment()) {
      OptionalLong behind = currentLag(partition);
      if (behind.isPresent()) {
        try {
          lag.end(partition, position(partition, Duration.ZERO) + behind.getAsLong());
        } catch (RuntimeException notKnownNow) {
          // the position is being validated: noted on a later poll
        }
      }
    }
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    super.subscribe(topics, new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commitFinished(partitions);
        lag.gone(partitions);
        listener.onPartitionsRevoked(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        noteCommitted(partitions);
        listener.onPartitionsAssigned(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // lost, not revoked: another member may own them already, a commit would be refused
        lag.gone(partitions);
        listener.onPartitionsLost(partitions);
      }
    });
  }

  /**
   * Where the group had got to on newly assigned partitions: their positions, which the consumer
   * looks up (the committed offset, else the reset policy's) before its first fetch anyway.
   */
  private void noteCommitted(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      try {
        lag.assigned(partition, position(partition));
      } catch (RuntimeException unknown) {
        LOGGER.debug("position of {} not known on assignment: {}", partition, unknown.getMessage());
      }
    }
  }

  private void commitFinished(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = finished.apply(partitions);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      commitSync(offsets);
      LOGGER.debug("committed finished offsets {} before the partitions were revoked", offsets);
    } catch (RuntimeException e) {
      LOGGER.warn("could not commit finished offsets before a rebalance (those records will be redelivered and "
          + "deduplicated): {}", e.getMessage());
    }
  }
}
