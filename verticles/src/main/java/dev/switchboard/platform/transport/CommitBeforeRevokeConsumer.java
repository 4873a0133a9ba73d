package dev.switchboard.platform.transport;

import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A Kafka consumer that commits the offsets of finished work inside Kafka's own rebalance
 * callback, before its partitions are revoked and handed to another member of the group.
 * vertx-kafka-client runs its revoke handler only after that callback has returned, when the
 * partitions may already be someone else's: a commit there comes too late, and the new owner gets
 * finished records again. Here the commit is synchronous, on the polling thread, where Kafka
 * allows it.
 */
final class CommitBeforeRevokeConsumer extends KafkaConsumer<String, Buffer> {

  private static final Logger LOGGER = LoggerFactory.getLogger(CommitBeforeRevokeConsumer.class);

  private final Function<Collection<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> finished;

  /**
   * @param finished takes out the offsets of finished, not yet committed work of the given partitions
   */
  CommitBeforeRevokeConsumer(Map<String, String> config,
                             Function<Collection<TopicPartition>, Map<TopicPartition, OffsetAndMetadata>> finished) {
    super(new HashMap<String, Object>(config));
    this.finished = finished;
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    super.subscribe(topics, new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commitFinished(partitions);
        listener.onPartitionsRevoked(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        listener.onPartitionsAssigned(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // lost, not revoked: another member may own them already, a commit would be refused
        listener.onPartitionsLost(partitions);
      }
    });
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
