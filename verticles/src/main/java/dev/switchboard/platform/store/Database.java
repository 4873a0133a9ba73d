package dev.switchboard.platform.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.StoreSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The platform's durable store: an embedded H2 database (a file in {@code store.path}, or memory) or
 * a PostgreSQL database ({@code store.url}), reached through a connection pool ({@link StorePool})
 * by the store's own writer threads. Every piece of work is a transaction on a writer thread: JDBC
 * never runs on an event loop. The schema is the platform's migrations ({@link SchemaMigrations#PLATFORM}),
 * applied when the store opens, and each application's, applied by {@link #migrate}.
 *
 * <p><b>H2: one writer, group commit.</b> H2 runs one writer, as it always has: the writer takes every
 * piece of work waiting (whole submissions, up to {@value #MAX_BATCH} pieces or a little more: an
 * event loop submits a turn's pieces together, {@link WorkQueue}), runs each behind a savepoint — a
 * piece that fails is rolled back to its savepoint alone — and commits them together. Pieces of work
 * never interleave, which is what the services' read-then-write code was written against, and one
 * commit (one file write) serves the whole batch. Commits reach the file before anyone is told ({@code WRITE_DELAY=0}),
 * so what a caller was told is stored survives a killed process. H2 locks its files: a second process
 * opening the same path fails at start-up instead of corrupting it.
 *
 * <p><b>PostgreSQL: {@code store.poolSize} writers, one transaction per piece of work</b>, at READ
 * COMMITTED. Batching several pieces into one transaction would hold every piece's row locks until
 * the slowest is done, and make one piece's deadlock everyone's; PostgreSQL already flushes the WAL
 * of transactions that commit together in one go. Pieces run concurrently here (and in other
 * processes on the same database), so the work locks what it reads to decide ({@link #forUpdate}),
 * changes stock with conditional updates, and lets primary keys refuse duplicates. A piece that
 * PostgreSQL aborts for a conflict — a deadlock (40P01), a serialization failure (40001), or a key
 * another transaction inserted first (23505, the piece's own check not having seen it yet) — is
 * rolled back and run again, up to {@value #MAX_CONFLICT_ATTEMPTS} times: run again, it sees what
 * the other committed.
 *
 * <p>Either way a caller's future completes, on the caller's context, only after the commit.
 */
public final class Database {

  private static final Logger LOGGER = LoggerFactory.getLogger(Database.class);
  private static final int MAX_BATCH = 512;
  private static final int MAX_CONFLICT_ATTEMPTS = 10;

  private final Vertx vertx;
  private final WorkQueue queue;
  private final HikariDataSource pool;
  private final StoreSettings settings;
  private final StoreSignals signals;
  private final String storeId;
  private final int writers;
  private final int maxBatch;
  private final AtomicInteger running;
  private final List<Thread> writerThreads = new ArrayList<>();
  /** Each writer's CPU time when it ended (-1 while it runs): a thread that ended has none to read. */
  private final AtomicLongArray endedWriterCpuNanos;
  private final LongAdder transactionsRun = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final Promise<Void> closedPromise = Promise.promise();
  private final PieceSavepoints savepoints = new PieceSavepoints();
  private Context closingContext;

  private Database(Vertx vertx, HikariDataSource pool, StoreSettings settings, String name, String storeId) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.signals = new StoreSignals(settings);
    this.storeId = storeId;
    this.writers = settings.postgres() ? settings.poolSize() : 1;
    this.maxBatch = settings.postgres() ? 1 : MAX_BATCH;
    this.queue = new WorkQueue(maxBatch > 1);
    this.running = new AtomicInteger(writers);
    this.endedWriterCpuNanos = new AtomicLongArray(writers);
    for (int i = 0; i < writers; i++) {
      endedWriterCpuNanos.set(i, -1);
      int index = i;
      Thread writer = new Thread(() -> write(index), name + "-" + i);
      writer.setDaemon(true);
      writerThreads.add(writer);
      writer.start();
    }
  }

  /**
   * Opens the database the settings name (an H2 one is created if needed), brings the platform's
   * tables to the latest version and reads the store's id (made now if the store has none:
   * {@link #storeId()}); the blocking work runs on a worker. Fails with a
   * {@link StoreOpenException} (saying whether another process holds H2's files) within
   * {@code store.connectTimeoutMs} when the database cannot be reached.
   */
  public static Future<Database> open(Vertx vertx, StoreSettings settings) {
    String name = "switchboard-store-" + UUID.randomUUID().toString().substring(0, 8);
    return vertx.executeBlocking(() -> {
      HikariDataSource pool = StorePool.open(settings, name);
      String storeId;
      try {
        SchemaMigrations.PLATFORM.migrate(pool, settings.postgres());
        storeId = StoreIdentity.readOrCreate(pool);
      } catch (RuntimeException | java.sql.SQLException failure) {
        shutdown(pool, settings);
        throw failure;
      }
      LOGGER.info("store: {}, store id {}", settings.describe(), storeId);
      return new Database(vertx, pool, settings, name, storeId);
    }).recover(failure -> Future.failedFuture(new StoreOpenException(settings, failure)));
  }

  /** Brings an application's tables to the latest version of its migrations; the blocking work runs on a worker. */
  public Future<Void> migrate(SchemaMigrations migrations) {
    return vertx.executeBlocking(() -> {
      migrations.migrate(pool, settings.postgres());
      return null;
    });
  }

  /**
   * The store's id, kept in the store itself ({@code sb_store}): the same for every process on one
   * PostgreSQL database, its own for each embedded H2 store (kept across restarts in an H2 file).
   * Kafka consumers advertise it, so that replicas with stores of their own are refused at start-up.
   */
  public String storeId() {
    return storeId;
  }

  /** Whether this is a PostgreSQL database (else the embedded H2). */
  public boolean postgres() {
    return settings.postgres();
  }

  /**
   * The clause a read that decides a write ends with, to lock the rows it read until the transaction
   * ends: {@code " FOR UPDATE"} on PostgreSQL, whose writers (and other processes) run pieces of work
   * concurrently; nothing on H2, whose one writer runs the pieces one after another, so that no other
   * piece can change a row between a read and the write it decides — and which parses a locking query
   * anew every time (it keeps none in its query cache).
   */
  public String forUpdate() {
    return settings.postgres() ? " FOR UPDATE" : "";
  }

  /** Signals between the processes on this database, sent when a transaction commits. */
  public StoreSignals signals() {
    return signals;
  }

  /**
   * What the store's writers have done since it opened: pieces of work run, commits, and the CPU
   * time of the writer threads (0 where the JVM does not measure a thread's CPU time).
   */
  public StoreActivity activity() {
    long cpuNanos = 0;
    for (int i = 0; i < writerThreads.size(); i++) {
      long ended = endedWriterCpuNanos.get(i);
      cpuNanos += ended >= 0 ? ended : threadCpuNanos(writerThreads.get(i).getId());
    }
    return new StoreActivity(transactionsRun.sum(), commits.sum(), cpuNanos);
  }

  /** A thread's CPU time; 0 where the JVM does not measure it, or once the thread has ended. */
  private static long threadCpuNanos(long threadId) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()
        ? Math.max(0, threads.getThreadCpuTime(threadId)) : 0;
  }

  /**
   * Runs {@code work} as one transaction: committed if it returns, rolled back if it throws. An
   * {@link OperationException} thrown by the work (a refusal), or a {@link DuplicateMessageException},
   * reaches the caller as it is; a store that cannot be reached is UNAVAILABLE; any other failure is
   * INTERNAL (uncertain: the caller may try again). The work may run more than once (see above): it
   * must not do anything but SQL on the connection it is given.
   *
   * <p>Asked on an event loop of an H2 store, the work is held until the loop has finished what it is
   * doing, then submitted with everything else the loop asked for meanwhile, in the order asked: one
   * hand-over to the writer per turn of the loop instead of one per piece, and larger group commits.
   * (PostgreSQL's writers take one piece each, concurrently: there each piece is handed over alone.)
   */
  public <T> Future<T> transaction(SqlWork<T> work) {
    return queue.add(work);
  }

  /** Whether a statement failed on a unique or primary key (SQL state 23505, in H2 and PostgreSQL alike). */
  public static boolean isUniqueViolation(SQLException failure) {
    return "23505".equals(failure.getSQLState());
  }

  /** The single number a query such as {@code SELECT COUNT(*) …} answers. */
  public Future<Long> queryLong(String sql) {
    return transaction(connection -> {
      try (Statement statement = connection.createStatement(); java.sql.ResultSet row = statement.executeQuery(sql)) {
        row.next();
        return row.getLong(1);
      }
    });
  }

  /**
   * A total per key, from a query answering {@code key, number} rows, such as
   * {@code SELECT order_id, COUNT(*) … GROUP BY order_id}.
   */
  public Future<java.util.Map<String, Long>> queryTotals(String sql) {
    return transaction(connection -> {
      java.util.Map<String, Long> totals = new java.util.HashMap<>();
      try (Statement statement = connection.createStatement(); java.sql.ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          totals.put(rows.getString(1), rows.getLong(2));
        }
      }
      return totals;
    });
  }

  /**
   * Stops taking work, lets the writers finish what was queued before, then closes the pool (and
   * shuts an H2 database down: an in-memory one goes with it). Completes once all that is done.
   * (What another event loop still holds for its turn fails UNAVAILABLE: see {@link WorkQueue#close}.)
   */
  public Future<Void> close() {
    // what this thread asked for before closing is queued before the writers' ends
    if (queue.close()) {
      synchronized (this) {
        closingContext = Vertx.currentContext(); // before a writer can end and look for it
      }
      signals.close();
      queue.stop(writers);
    }
    return closedPromise.future();
  }

  private void write(int index) {
    List<StoreJob<?>> batch = new ArrayList<>();
    while (true) {
      int stops;
      try {
        stops = queue.take(batch, maxBatch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!batch.isEmpty()) {
        run(batch);
        batch.clear();
      }
      if (stops > 0) {
        queue.passOn(stops - 1);
        endedWriterCpuNanos.set(index, threadCpuNanos(Thread.currentThread().getId()));
        writerEnded();
        return;
      }
    }
  }

  private void run(List<StoreJob<?>> batch) {
    try (Connection connection = pool.getConnection()) {
      if (batch.size() == 1) {
        runAlone(connection, batch.get(0));
      } else {
        runTogether(connection, batch);
      }
    } catch (SQLException unavailable) {
      LOGGER.warn("store: no connection to {}: {}", settings.setting(), unavailable.getMessage());
      OperationException failure = new OperationException(ErrorCode.UNAVAILABLE,
          "store: no connection within " + settings.connectTimeoutMs() + " ms: " + unavailable.getMessage());
      StoreJob.failAll(batch, failure); // those already completed keep their outcome
    }
  }

  /** One piece of work, its own transaction; run again after a conflict when other writers exist. */
  private void runAlone(Connection connection, StoreJob<?> job) {
    for (int attempt = 1; ; attempt++) {
      Object result = null;
      Throwable failure = null;
      try {
        result = job.work().apply(connection);
        connection.commit();
        commits.increment();
      } catch (Throwable thrown) {
        failure = thrown;
        rollback(connection);
      }
      if (failure != null && writers > 1 && conflict(failure) && attempt < MAX_CONFLICT_ATTEMPTS) {
        LOGGER.debug("store: a transaction conflicted with another ({}); running it again", failure.toString());
        pause(attempt);
        continue;
      }
      transactionsRun.increment();
      StoreJob.handBack(List.of(job), Collections.singletonList(result), Collections.singletonList(outcome(failure)));
      return;
    }
  }

  /**
   * Several pieces of work, each behind a savepoint, committed together (group commit). A piece whose
   * changes cannot be rolled back to its savepoint leaves them in the transaction: then nothing of the
   * batch is committed, and every piece fails.
   */
  private void runTogether(Connection connection, List<StoreJob<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    List<Throwable> failures = new ArrayList<>(batch.size());
    for (StoreJob<?> job : batch) {
      Object result = null;
      Throwable failure = null;
      try {
        savepoints.set(connection);
        try {
          result = job.work().apply(connection);
        } catch (Throwable thrown) {
          failure = thrown;
          savepoints.rollBack(connection);
        }
      } catch (SQLException savepointFailure) {
        if (failure != null) {
          rollBackAll(connection, batch, failure, savepointFailure);
          return;
        }
        failure = savepointFailure; // not set: the piece did not run
      }
      results.add(result);
      failures.add(outcome(failure));
    }
    Throwable commitFailure = commit(connection);
    if (commitFailure == null) {
      commits.increment();
    }
    transactionsRun.add(batch.size());
    StoreJob.handBack(batch, results,
        commitFailure == null ? failures : Collections.nCopies(batch.size(), commitFailure));
  }

  /** A piece failed and could not be rolled back alone: the whole batch is rolled back, and every piece fails. */
  private void rollBackAll(Connection connection, List<StoreJob<?>> batch, Throwable pieceFailure,
                           SQLException rollBackFailure) {
    LOGGER.error("store: a piece of work failed ({}) and could not be rolled back alone; its batch of {} is rolled"
        + " back", pieceFailure.toString(), batch.size(), rollBackFailure);
    rollback(connection);
    transactionsRun.add(batch.size());
    OperationException failure = new OperationException(ErrorCode.INTERNAL, "store: rolled back with its batch: a piece"
        + " of work could not be rolled back alone: " + rollBackFailure.getMessage());
    StoreJob.handBack(batch, Collections.nCopies(batch.size(), null), Collections.nCopies(batch.size(), failure));
  }

  /** What the caller hears of a failure: refusals as they are, anything else INTERNAL. */
  private static Throwable outcome(Throwable failure) {
    if (failure == null || failure instanceof OperationException || failure instanceof DuplicateMessageException) {
      return failure;
    }
    LOGGER.warn("store: a transaction failed and was rolled back", failure);
    return new OperationException(ErrorCode.INTERNAL, "store: " + failure.getMessage());
  }

  /** A deadlock, a serialization failure or a key inserted first by another transaction. */
  private static boolean conflict(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        String state = sql.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state) || "23505".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A short random wait on the writer's own thread, so that two conflicting pieces do not meet again at once. */
  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2L * attempt + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Throwable commit(Connection connection) {
    try {
      connection.commit();
      return null;
    } catch (SQLException e) {
      LOGGER.error("store: commit failed; the batch is rolled back", e);
      rollback(connection);
      return new OperationException(ErrorCode.INTERNAL, "store: commit failed: " + e.getMessage());
    }
  }

  private static void rollback(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException rollback) {
      LOGGER.error("store: rollback failed", rollback);
    }
  }

  /** The last writer to end closes the pool and tells whoever called {@link #close()}. */
  private void writerEnded() {
    if (running.decrementAndGet() > 0) {
      return;
    }
    shutdown(pool, settings);
    LOGGER.info("store closed: {}", settings.describe());
    Context context;
    synchronized (this) {
      context = closingContext;
    }
    if (context == null) {
      closedPromise.tryComplete();
    } else {
      context.runOnContext(ignored -> closedPromise.tryComplete());
    }
  }

  /** Closes the pool; an H2 database is shut down first (files closed, a memory one dropped). */
  private static void shutdown(HikariDataSource pool, StoreSettings settings) {
    if (!settings.postgres()) {
      boolean shutDown = false;
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
        shutDown = true;
      } catch (SQLException e) {
        if (!shutDown) { // (handing the connection back after SHUTDOWN fails: the database is closed, as meant)
          LOGGER.warn("store: shutdown: {}", e.getMessage());
        }
      }
    }
    pool.close();
  }
}
