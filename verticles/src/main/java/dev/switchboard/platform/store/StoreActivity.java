package dev.switchboard.platform.store;

/**
 * What a store's writers have done since it opened ({@link Database#activity()}): how busy the store
 * is, and what an order costs it.
 *
 * @param transactions   pieces of work run (each a transaction of its own, or a savepoint of a group commit)
 * @param commits        commits that succeeded (one per group of pieces on H2, one per piece on PostgreSQL)
 * @param writerCpuNanos CPU time of the writer threads; 0 where the JVM does not measure it
 */
public record StoreActivity(long transactions, long commits, long writerCpuNanos) {

  /** What was done between {@code earlier} and this. */
  public StoreActivity since(StoreActivity earlier) {
    return new StoreActivity(transactions - earlier.transactions, commits - earlier.commits,
        writerCpuNanos - earlier.writerCpuNanos);
  }
}
