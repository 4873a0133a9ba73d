package dev.switchboard.experiment;

import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Sends a {@link Workload}'s orders when they are due, on the context it is started from: one timer
 * set for the next order due (never sooner than 1 ms), not a timer every millisecond, so that the
 * generator's event loop sleeps between orders instead of waking up a thousand times a second at
 * any rate. A sender that fell behind (a busy machine) catches up at most {@code maxPerTick} orders
 * per timer, with the answers handled in between, rather than in one long task.
 */
final class OpenLoopSender {

  private final Vertx vertx;
  private final Workload workload;
  private final int maxPerTick;
  private final IntConsumer place;
  private long startNanos;
  private int sent;
  private long timer = -1;
  private boolean stopped;

  /** @param place sends order {@code index} of the workload */
  OpenLoopSender(Vertx vertx, Workload workload, int maxPerTick, IntConsumer place) {
    this.vertx = vertx;
    this.workload = workload;
    this.maxPerTick = maxPerTick;
    this.place = place;
  }

  /** Starts sending; the workload's times count from {@code startNanos} ({@link System#nanoTime()}). */
  void start(long startNanos) {
    this.startNanos = startNanos;
    sendDue();
  }

  /** Sends nothing more. */
  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** How many orders were sent so far. */
  int sent() {
    return sent;
  }

  private void sendDue() {
    timer = -1;
    if (stopped) {
      return;
    }
    int due = (int) Math.min(workload.dueBy(System.nanoTime() - startNanos), (long) sent + maxPerTick);
    while (sent < due && !stopped) {
      place.accept(sent++);
    }
    if (stopped || sent >= workload.orders().size()) {
      return;
    }
    long untilNextMs = TimeUnit.NANOSECONDS.toMillis(workload.dueNanos(sent) - (System.nanoTime() - startNanos));
    timer = vertx.setTimer(Math.max(1, untilNextMs), tick -> sendDue());
  }
}
