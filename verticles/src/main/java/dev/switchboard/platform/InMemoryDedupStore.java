package dev.switchboard.platform;

import dev.switchboard.platform.transport.Envelope;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dedup records in memory, the most recent {@code capacity} per store. Enough where the messages
 * themselves live in memory (the local transport): a restart loses both together.
 */
public final class InMemoryDedupStore implements DedupStore {

  private static final Seen IN_PROGRESS = new Seen.InProgress();

  private final Map<String, Seen> seen;

  public InMemoryDedupStore(int capacity) {
    this.seen = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public synchronized Seen claim(String consumer, String messageId) {
    String key = consumer + "/" + messageId;
    Seen before = seen.get(key);
    if (before != null) {
      return before;
    }
    seen.put(key, IN_PROGRESS);
    return new Seen.New();
  }

  @Override
  public synchronized void complete(String consumer, String messageId, Envelope result) {
    seen.put(consumer + "/" + messageId, new Seen.Done(Optional.ofNullable(result)));
  }

  @Override
  public synchronized void release(String consumer, String messageId) {
    seen.remove(consumer + "/" + messageId);
  }
}
