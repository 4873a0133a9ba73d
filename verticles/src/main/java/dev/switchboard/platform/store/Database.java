package dev.switchboard.platform.store;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.StoreSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The platform's durable store: an embedded H2 database (a file in {@code store.path}, or memory)
 * behind one connection that only one dedicated thread ever uses. Every piece of work is its own
 * transaction on that thread: JDBC never runs on an event loop and transactions never interleave.
 *
 * <p>Group commit: the thread takes every piece of work waiting (up to {@value #MAX_BATCH}), runs
 * each behind a savepoint — a piece that fails is rolled back to its savepoint alone — and commits
 * them together. A caller's future completes, on the caller's context, only after that commit.
 * Commits are written to the file before anyone is told ({@code WRITE_DELAY=0}), so what a caller
 * was told is stored survives a killed process. H2 locks the files: a second process opening the
 * same path fails at start-up instead of corrupting it.
 */
public final class Database {

  private static final Logger LOGGER = LoggerFactory.getLogger(Database.class);
  private static final int MAX_BATCH = 512;

  /** One piece of work, the promise of its caller, and the context to complete it on. */
  private record Job<T>(SqlWork<T> work, Promise<T> promise, Context context) {

    void complete(Object result, Throwable failure) {
      Runnable done = () -> {
        if (failure == null) {
          @SuppressWarnings("unchecked")
          T value = (T) result;
          promise.complete(value);
        } else {
          promise.fail(failure);
        }
      };
      if (context == null) {
        done.run();
      } else {
        context.runOnContext(ignored -> done.run());
      }
    }
  }

  private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
  private final Connection connection;
  private final String description;
  private final Thread thread;
  private boolean closed;

  private Database(Connection connection, String name, String description) {
    this.connection = connection;
    this.description = description;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Opens (creating if needed) the database the settings name; the blocking open runs on a worker.
   * Fails with a {@link StoreOpenException} (saying whether another process holds the files).
   */
  public static Future<Database> open(Vertx vertx, StoreSettings settings) {
    String name = "switchboard-store-" + UUID.randomUUID().toString().substring(0, 8);
    return vertx.executeBlocking(() -> {
      String url = settings.path()
          .map(Database::fileUrl)
          .orElse("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256");
      Connection connection = DriverManager.getConnection(url);
      connection.setAutoCommit(false);
      LOGGER.info("store: {}", settings.describe());
      return new Database(connection, name, settings.describe());
    }).recover(failure -> Future.failedFuture(new StoreOpenException(settings.describe(), failure)));
  }

  private static String fileUrl(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    // closed by close(), after the transports, not by H2's own shutdown hook
    return "jdbc:h2:file:" + directory.resolve("switchboard")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256";
  }

  /**
   * Runs {@code work} as one transaction: committed if it returns, rolled back if it throws. An
   * {@link OperationException} thrown by the work (a refusal), or a {@link DuplicateMessageException},
   * reaches the caller as it is; any other
   * failure is INTERNAL (uncertain: the caller may try again).
   */
  public <T> Future<T> transaction(SqlWork<T> work) {
    return enqueue(work, false);
  }

  /** Queues the work; once the shutdown is queued (it is the last job ever), nothing more is taken. */
  private synchronized <T> Future<T> enqueue(SqlWork<T> work, boolean last) {
    if (closed) {
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, "store is closed"));
    }
    closed = last;
    Promise<T> promise = Promise.promise();
    queue.add(new Job<>(work, promise, Vertx.currentContext()));
    return promise.future();
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

  /** Runs DDL statements in one transaction (CREATE TABLE IF NOT EXISTS …). */
  public Future<Void> createTables(String... statements) {
    return transaction(connection -> {
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
      return null;
    });
  }

  /** Closes the connection (an in-memory database goes with it) and ends the store's thread. */
  public Future<Void> close() {
    Future<Void> closing = enqueue(connection -> {
      throw new ShutdownSignal();
    }, true);
    return closing.recover(closed -> Future.succeededFuture());
  }

  /** What the last job tells the store's thread: shut the database down and stop. */
  private static final class ShutdownSignal extends RuntimeException {
    ShutdownSignal() {
      super("store shutting down", null, false, false);
    }
  }

  private void run() {
    List<Job<?>> batch = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      boolean shutdown = false;
      for (Job<?> job : batch) {
        Object result = null;
        Throwable failure = null;
        try {
          Savepoint savepoint = connection.setSavepoint();
          try {
            result = job.work().apply(connection);
            connection.releaseSavepoint(savepoint);
          } catch (Throwable thrown) {
            connection.rollback(savepoint);
            failure = thrown;
          }
        } catch (SQLException savepointFailure) {
          failure = savepointFailure;
        }
        if (failure instanceof ShutdownSignal) {
          shutdown = true;
        } else if (failure != null && !(failure instanceof OperationException) && !(failure instanceof DuplicateMessageException)) {
          LOGGER.warn("store: a transaction failed and was rolled back", failure);
          failure = new OperationException(ErrorCode.INTERNAL, "store: " + failure.getMessage());
        }
        results.add(result);
        failures.add(failure);
      }
      Throwable commitFailure = commit();
      if (shutdown) {
        shutdown(); // before anyone hears back: close() completes once the database is shut down
      }
      for (int i = 0; i < batch.size(); i++) {
        Throwable failure = commitFailure != null ? commitFailure : failures.get(i);
        try {
          batch.get(i).complete(results.get(i), failure);
        } catch (RuntimeException listener) {
          // a caller's context already closed, or a listener that threw: the store thread goes on
          LOGGER.warn("store: a result could not be handed back: {}", listener.toString());
        }
      }
      batch.clear();
      results.clear();
      failures.clear();
      if (shutdown) {
        return;
      }
    }
  }

  private Throwable commit() {
    try {
      connection.commit();
      return null;
    } catch (SQLException e) {
      LOGGER.error("store: commit failed; the batch is rolled back", e);
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        LOGGER.error("store: rollback failed", rollback);
      }
      return new OperationException(ErrorCode.INTERNAL, "store: commit failed: " + e.getMessage());
    }
  }

  private void shutdown() {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SHUTDOWN");
    } catch (SQLException e) {
      LOGGER.warn("store: shutdown: {}", e.getMessage());
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOGGER.warn("store: close: {}", e.getMessage());
    }
    LOGGER.info("store closed: {}", description);
  }
}
