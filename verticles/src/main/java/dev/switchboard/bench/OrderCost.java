package dev.switchboard.bench;

import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.StoreActivity;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What one order cost over a run of the checkout suite: the JVM's CPU time per order (the load
 * generator and the client included, as in the targets), the store writers' CPU time, the store's
 * pieces of work and commits — read before and after the run, divided by the sagas that ended in
 * between (one checkout saga per order). This is what says why a rate is what it is: on H2 at
 * saturation, a machine of {@code n} cores runs no more than {@code 1000 n / cpuMs} orders per second,
 * and H2's one writer no more than {@code 1000 / storeWriterMs}. It is this JVM's CPU only: a
 * PostgreSQL server's or a Kafka broker's (other processes on the same cores) is not in it, and a
 * writer waiting for PostgreSQL or for a file write is not using CPU. At low rates the JVM's fixed
 * costs (timers, pollers) spread over fewer orders, and a cold JVM's JIT compiler counts too.
 *
 * @param orders          sagas that ended during the run
 * @param seconds         the run's length, warm-up, grace and drain included
 * @param cpuMs           the JVM's CPU time per order, ms
 * @param storeWriterMs   the store writers' CPU time per order, ms (0 where the JVM does not measure it)
 * @param transactions    store pieces of work per order
 * @param piecesPerCommit store pieces of work per commit (group commit)
 */
record OrderCost(long orders, double seconds, double cpuMs, double storeWriterMs, double transactions,
                 double piecesPerCommit) {

  /** What was read at one moment. */
  record Reading(long nanos, long sagasEnded, long processCpuNanos, StoreActivity store) {
  }

  static Reading read(CheckoutNode node) {
    return new Reading(System.nanoTime(), SwitchboardMetrics.counted(node.registry(), SwitchboardMetrics.SAGAS_FINISHED),
        processCpuNanos(), node.storeActivity());
  }

  /** The cost per order between two readings; null when no order ended in between. */
  static OrderCost between(Reading before, Reading after) {
    long orders = after.sagasEnded() - before.sagasEnded();
    if (orders <= 0) {
      return null;
    }
    StoreActivity store = after.store().since(before.store());
    return new OrderCost(orders, (after.nanos() - before.nanos()) / 1e9,
        (after.processCpuNanos() - before.processCpuNanos()) / 1e6 / orders, store.writerCpuNanos() / 1e6 / orders,
        (double) store.transactions() / orders, store.commits() == 0 ? 0 : (double) store.transactions() / store.commits());
  }

  /** The store writers' CPU time as a share of the run's: near 1 with H2's one writer, the store is the bottleneck. */
  double storeWriterBusy() {
    return seconds <= 0 ? Double.NaN : storeWriterMs * orders / 1000.0 / seconds;
  }

  String describe() {
    return String.format(Locale.ROOT, "%.2f ms CPU per order (the whole JVM: load generator, JIT compiler, GC and"
            + " what runs when idle included), store writer %.2f ms CPU per order (%.0f%% of the run's time), %.1f store"
            + " transactions per order, %.1f per commit", cpuMs, storeWriterMs, storeWriterBusy() * 100, transactions,
        piecesPerCommit);
  }

  JsonObject json() {
    return new JsonObject().put("orders", orders).put("seconds", seconds).put("cpu_ms_per_order", cpuMs)
        .put("store_writer_cpu_ms_per_order", storeWriterMs).put("store_writer_busy_share", storeWriterBusy())
        .put("store_transactions_per_order", transactions).put("store_transactions_per_commit", piecesPerCommit);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }
}
