package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;

import java.time.Duration;

/**
 * Waits until a node has nothing in flight: no saga open (running, compensating, or waiting for its
 * end hook), no event waiting in the outbox for a subscriber, no accepted order still pending.
 * "Exactly once" is asserted after that, never after a fixed sleep.
 */
public final class Quiet {

  private Quiet() {
  }

  public static void await(SwitchboardNode node, Duration within) {
    Eventually.holds("the node is quiet: no open saga, no event waiting for delivery, no pending order", within,
        Duration.ofMillis(50), () -> count(node, "SELECT COUNT(*) FROM sb_saga WHERE open") == 0
            && count(node, "SELECT COUNT(*) FROM sb_outbox") == 0
            && count(node, "SELECT COUNT(*) FROM orders_order WHERE status = 'ORDER_STATUS_PENDING'") == 0);
  }

  private static long count(SwitchboardNode node, String sql) {
    return Blocking.await(node.switchboard().store().queryLong(sql));
  }
}
