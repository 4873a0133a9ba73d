package dev.switchboard.platform.store;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The store's work as meters: pieces of work run, commits, and the writers' CPU time. The writers'
 * CPU seconds per second is how busy the store is (H2 has one writer: near 1 it is the bottleneck),
 * and pieces per commit is how much group commit saves.
 */
public final class StoreMeters implements MeterBinder {

  public static final String TRANSACTIONS = "switchboard.store.transactions";
  public static final String COMMITS = "switchboard.store.commits";
  public static final String WRITER_CPU = "switchboard.store.writer.cpu";

  private final Database database;

  public StoreMeters(Database database) {
    this.database = database;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(TRANSACTIONS, database, store -> store.activity().transactions())
        .description("Pieces of work the store ran, each a transaction (or a savepoint of a group commit)")
        .register(registry);
    FunctionCounter.builder(COMMITS, database, store -> store.activity().commits())
        .description("Commits of the store's writers (one per group of pieces on H2)").register(registry);
    FunctionCounter.builder(WRITER_CPU, database, store -> store.activity().writerCpuNanos() / 1e9)
        .description("CPU time of the store's writer threads").baseUnit("seconds").register(registry);
  }
}
