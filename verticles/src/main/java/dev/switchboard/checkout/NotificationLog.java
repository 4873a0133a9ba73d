package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The notifications sent, per order and kind of event. A subscriber deduplicates on the event id,
 * so each order gets each notification once however often the event is delivered.
 */
public final class NotificationLog {

  private final Set<String> seenEvents = new HashSet<>();
  private final Map<String, Map<OrderEvent.KindCase, Integer>> sent = new HashMap<>();
  private long duplicates;

  /** Records the notification; returns false (and sends nothing) for an event seen before. */
  public synchronized boolean record(OrderEvent event) {
    if (!seenEvents.add(event.getEventId())) {
      duplicates++;
      return false;
    }
    sent.computeIfAbsent(event.getOrderId(), id -> new HashMap<>()).merge(event.getKindCase(), 1, Integer::sum);
    return true;
  }

  public synchronized int count(String orderId, OrderEvent.KindCase kind) {
    return sent.getOrDefault(orderId, Map.of()).getOrDefault(kind, 0);
  }

  public synchronized long duplicatesIgnored() {
    return duplicates;
  }
}
