package dev.switchboard.bench;

import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.StoreActivity;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one order cost over a run of the checkout suite: the JVM's CPU time per order (the load
 * generator and the client included, as in the targets), the store writers' CPU time, the store's
 * pieces of work and commits — read before and after the run, divided by the sagas that ended in
 * between (one checkout saga per order). This is what says why a rate is what it is: on H2 at
 * saturation, a machine of {@code n} cores runs no more than {@code 1000 n / (cpuMs + helpersCpuMs)}
 * orders per second, and H2's one writer no more than {@code 1000 / storeWriterMs}. The JVM's CPU and
 * that of the processes the bench started (its descendants — the local Kafka broker — and the
 * PostgreSQL server with its backends, which {@code pg_ctl} detaches: they run on the same cores) are
 * counted apart; a writer waiting for PostgreSQL or for a file write is not using CPU. At low rates
 * the fixed costs (timers, pollers) spread over fewer orders, and a cold JVM's JIT compiler counts too.
 *
 * @param orders          sagas that ended during the run
 * @param seconds         the run's length, warm-up, grace and drain included
 * @param cpuMs           the JVM's CPU time per order, ms
 * @param helpersCpuMs    the CPU time per order of the processes this JVM started (broker, database), ms
 * @param storeWriterMs   the store writers' CPU time per order, ms (0 where the JVM does not measure it)
 * @param transactions    store pieces of work per order
 * @param piecesPerCommit store pieces of work per commit (group commit)
 */
record OrderCost(long orders, double seconds, double cpuMs, double helpersCpuMs, double storeWriterMs,
                 double transactions, double piecesPerCommit) {

  /** What was read at one moment. */
  record Reading(long nanos, long sagasEnded, long processCpuNanos, Map<String, Long> helperCpuNanos,
                 StoreActivity store) {
  }

  static Reading read(CheckoutNode node) {
    return new Reading(System.nanoTime(), SwitchboardMetrics.counted(node.registry(), SwitchboardMetrics.SAGAS_FINISHED),
        processCpuNanos(), helperCpuNanos(node.servers()), node.storeActivity());
  }

  /** The cost per order between two readings; null when no order ended in between. */
  static OrderCost between(Reading before, Reading after) {
    long orders = after.sagasEnded() - before.sagasEnded();
    if (orders <= 0) {
      return null;
    }
    StoreActivity store = after.store().since(before.store());
    return new OrderCost(orders, (after.nanos() - before.nanos()) / 1e9,
        (after.processCpuNanos() - before.processCpuNanos()) / 1e6 / orders,
        helpersCpuSince(before.helperCpuNanos(), after.helperCpuNanos()) / 1e6 / orders,
        store.writerCpuNanos() / 1e6 / orders,
        (double) store.transactions() / orders, store.commits() == 0 ? 0 : (double) store.transactions() / store.commits());
  }

  /** The store writers' CPU time as a share of the run's: near 1 with H2's one writer, the store is the bottleneck. */
  double storeWriterBusy() {
    return seconds <= 0 ? Double.NaN : storeWriterMs * orders / 1000.0 / seconds;
  }

  String describe() {
    return String.format(Locale.ROOT, "%.2f ms CPU per order (the whole JVM: load generator, JIT compiler, GC and"
            + " what runs when idle included)%s, store writer %.2f ms CPU per order (%.0f%% of the run's time), %.1f store"
            + " transactions per order, %.1f per commit", cpuMs,
        helpersCpuMs > 0 ? String.format(Locale.ROOT, " and %.2f ms in the processes it started (broker, database)",
            helpersCpuMs) : "",
        storeWriterMs, storeWriterBusy() * 100, transactions, piecesPerCommit);
  }

  JsonObject json() {
    return new JsonObject().put("orders", orders).put("seconds", seconds).put("cpu_ms_per_order", cpuMs)
        .put("helpers_cpu_ms_per_order", helpersCpuMs).put("store_writer_cpu_ms_per_order", storeWriterMs)
        .put("store_writer_busy_share", storeWriterBusy())
        .put("store_transactions_per_order", transactions).put("store_transactions_per_commit", piecesPerCommit);
  }

  /**
   * The CPU time so far of each process this JVM started and of {@code servers} (processes started on
   * its behalf that detached from it), with all of theirs (a PostgreSQL server's backends); keyed by
   * pid and start time, so that a pid used again is another process. One that cannot be read is left out.
   */
  static Map<String, Long> helperCpuNanos(List<ProcessHandle> servers) {
    Map<String, Long> cpu = new HashMap<>();
    Stream.concat(ProcessHandle.current().descendants(),
            servers.stream().flatMap(server -> Stream.concat(Stream.of(server), server.descendants())))
        .forEach(process -> process.info().totalCpuDuration().ifPresent(used -> cpu.put(
            process.pid() + "@" + process.info().startInstant().map(Object::toString).orElse("?"), used.toNanos())));
    return cpu;
  }

  /** What the processes used between two readings: a process that ended in between is left out, one started counts whole. */
  static long helpersCpuSince(Map<String, Long> before, Map<String, Long> after) {
    long used = 0;
    for (Map.Entry<String, Long> now : after.entrySet()) {
      used += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
    }
    return used;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }
}
