package dev.switchboard.platform.transport;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A group's lag on the partitions one member owns (log end offset minus committed offset, summed),
 * kept from what the member knows already, so that measuring it asks the broker nothing: the end
 * offsets come with every fetch (the high watermark, noted by the polling thread), the committed
 * offsets are the member's own commits, and for a partition just assigned, where the group had got
 * to. Asking the broker instead (the end offsets and each partition's committed offset, every
 * second, for every consumer) cost more than the consumers' fetches, and each of those blocking calls
 * held up the consumer's next poll. Any thread.
 */
final class ConsumerLag {

  private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

  /** The partition was assigned; the group had committed up to {@code position} (or starts there). */
  void assigned(TopicPartition partition, long position) {
    committed.put(partition, position);
  }

  /** The partitions went to another member (or were lost): their lag is someone else's now. */
  void gone(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      ends.remove(partition);
      committed.remove(partition);
    }
  }

  /** The partition's log ends at {@code end}, as the last fetch said. */
  void end(TopicPartition partition, long end) {
    ends.put(partition, end);
  }

  /** This member committed {@code offset} (the next record to do) for the partition. */
  void committed(TopicPartition partition, long offset) {
    committed.merge(partition, offset, Math::max);
  }

  /** Records of the owned partitions the group has not committed yet; 0 for a partition not fetched yet. */
  long total() {
    long total = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      Long done = committed.get(end.getKey());
      if (done != null) {
        total += Math.max(0, end.getValue() - done);
      }
    }
    return total;
  }
}
