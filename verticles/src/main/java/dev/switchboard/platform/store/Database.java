package dev.switchboard.platform.store;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.StoreSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The platform's durable store: an embedded H2 database (a file in {@code store.path}, or memory)
 * behind one connection that is only ever used by one dedicated thread. Every piece of work is
 * one transaction run on that thread: JDBC never runs on an event loop, transactions never
 * interleave, and the future completes on the caller's context after the commit.
 *
 * <p>Commits are written to the file before the future completes ({@code WRITE_DELAY=0}), so what
 * a caller was told is stored survives a killed process. H2 locks the files: a second process
 * opening the same path fails at start-up instead of corrupting it.
 */
public final class Database {

  private static final Logger LOGGER = LoggerFactory.getLogger(Database.class);

  private final WorkerExecutor executor;
  private final Connection connection;
  private final String description;
  private volatile boolean closed;

  private Database(WorkerExecutor executor, Connection connection, String description) {
    this.executor = executor;
    this.connection = connection;
    this.description = description;
  }

  /** Opens (creating if needed) the database the settings name. */
  public static Future<Database> open(Vertx vertx, StoreSettings settings) {
    String name = "switchboard-store-" + UUID.randomUUID();
    WorkerExecutor executor = vertx.createSharedWorkerExecutor(name, 1, 60, TimeUnit.SECONDS);
    return executor.executeBlocking(() -> {
      String url = settings.path()
          .map(Database::fileUrl)
          .orElse("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
      Connection connection = DriverManager.getConnection(url);
      connection.setAutoCommit(false);
      LOGGER.info("store: {}", settings.describe());
      return new Database(executor, connection, settings.describe());
    }).recover(failure -> {
      executor.close();
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, "store " + settings.describe()
          + " cannot be opened: " + failure.getMessage()));
    });
  }

  private static String fileUrl(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    // closed by close(), after the transports, not by H2's own shutdown hook
    return "jdbc:h2:file:" + directory.resolve("switchboard") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * Runs {@code work} as one transaction: committed if it returns, rolled back if it throws. An
   * {@link OperationException} thrown by the work (a refusal) reaches the caller as it is; any other
   * failure is INTERNAL (uncertain: the caller may try again).
   */
  public <T> Future<T> transaction(SqlWork<T> work) {
    if (closed) {
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, "store is closed"));
    }
    return executor.executeBlocking(() -> {
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (Throwable failure) {
        rollback();
        if (failure instanceof OperationException refusal) {
          throw refusal;
        }
        LOGGER.warn("store: transaction failed and was rolled back", failure);
        throw new OperationException(ErrorCode.INTERNAL, "store: " + failure.getMessage());
      }
    }, false);
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

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOGGER.error("store: rollback failed", e);
    }
  }

  /** Closes the connection (an in-memory database goes with it) and the store's thread. */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return executor.<Void>executeBlocking(() -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      } catch (SQLException e) {
        LOGGER.warn("store: shutdown: {}", e.getMessage());
      }
      connection.close();
      LOGGER.info("store closed: {}", description);
      return null;
    }).eventually(executor::close);
  }
}
