package dev.switchboard.platform.saga;

import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Optional;

/**
 * Where saga instances live between steps: table {@code sb_saga} of the platform's store. A saga
 * stays "open" until its end hook (confirm or reject the order, announce it) has run, so that a
 * process that dies between the last step and the hook runs the hook after its restart.
 */
public final class SagaStore {

  private static final String COLUMNS = "saga_id, saga, status, step, attempt, data, reason, correlation_id, "
      + "started_at_ms, updated_at_ms, version, redrives";

  private final Database database;

  /** Over the store's table(s), created by the platform's migrations ({@code db/platform}). */
  public SagaStore(Database database) {
    this.database = database;
  }

  /** Stores a new instance; completes with {@code false} if one with that id exists already. */
  public Future<Boolean> create(SagaRecord record) {
    return database.transaction(connection -> {
      if (find(connection, record.sagaId()).isPresent()) {
        return false;
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sb_saga (" + COLUMNS + ", open) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)")) {
        bind(insert, record, record.version());
        insert.executeUpdate();
      }
      return true;
    });
  }

  public Future<Optional<SagaRecord>> load(String sagaId) {
    return database.transaction(connection -> find(connection, sagaId));
  }

  /** The instance if it is still open (its end hook has not run). */
  public Future<Optional<SagaRecord>> loadOpen(String sagaId) {
    return database.transaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM sb_saga WHERE saga_id = ? AND open")) {
        select.setString(1, sagaId);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
      }
    });
  }

  /**
   * Replaces the instance if its stored version is {@code record.version()}; completes with the
   * stored record (version incremented) or fails if someone else changed it first.
   */
  public Future<SagaRecord> update(SagaRecord record) {
    SagaRecord stored = new SagaRecord(record.sagaId(), record.saga(), record.status(), record.step(),
        record.attempt(), record.data(), record.reason(), record.correlationId(), record.startedAtMs(),
        record.updatedAtMs(), record.version() + 1, record.redrives());
    return database.transaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sb_saga SET saga_id = ?, saga = ?, status = ?, step = ?, attempt = ?, data = ?, reason = ?, "
              + "correlation_id = ?, started_at_ms = ?, updated_at_ms = ?, version = ?, redrives = ? "
              + "WHERE saga_id = ? AND version = ?")) {
        bind(update, stored, stored.version());
        update.setString(13, record.sagaId());
        update.setLong(14, record.version());
        if (update.executeUpdate() != 1) {
          throw new ConcurrentModificationException("saga " + record.sagaId() + " changed concurrently");
        }
      }
      return stored;
    });
  }

  /** Records that the end hook of a terminal saga has run: the saga is closed for good. */
  public Future<Void> close(String sagaId) {
    return database.transaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sb_saga SET open = FALSE WHERE saga_id = ?")) {
        update.setString(1, sagaId);
        update.executeUpdate();
      }
      return null;
    });
  }

  /** Every instance still open: running, compensating, or ended without its end hook having run. */
  public Future<List<SagaRecord>> unfinished() {
    return database.transaction(connection -> {
      List<SagaRecord> records = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM sb_saga WHERE open ORDER BY started_at_ms");
           ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          records.add(read(rows));
        }
      }
      return records;
    });
  }

  /**
   * Open instances not changed since {@code olderThanMs} (epoch millis), oldest first, at most
   * {@code limit}: sagas waiting longer than they should for an outcome, or for their end hook.
   */
  public Future<List<SagaRecord>> stalled(long olderThanMs, int limit) {
    return database.transaction(connection -> {
      List<SagaRecord> records = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM sb_saga WHERE open AND updated_at_ms < ? ORDER BY updated_at_ms "
              + "FETCH FIRST " + limit + " ROWS ONLY")) {
        select.setLong(1, olderThanMs);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            records.add(read(rows));
          }
        }
      }
      return records;
    });
  }

  private static Optional<SagaRecord> find(Connection connection, String sagaId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + COLUMNS + " FROM sb_saga WHERE saga_id = ?")) {
      select.setString(1, sagaId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  private static void bind(PreparedStatement statement, SagaRecord record, long version) throws SQLException {
    statement.setString(1, record.sagaId());
    statement.setString(2, record.saga());
    statement.setString(3, record.status().name());
    statement.setInt(4, record.step());
    statement.setInt(5, record.attempt());
    statement.setBytes(6, record.data());
    statement.setString(7, record.reason());
    statement.setString(8, record.correlationId());
    statement.setLong(9, record.startedAtMs());
    statement.setLong(10, record.updatedAtMs());
    statement.setLong(11, version);
    statement.setInt(12, record.redrives());
  }

  private static SagaRecord read(ResultSet row) throws SQLException {
    return new SagaRecord(row.getString(1), row.getString(2), SagaStatus.valueOf(row.getString(3)), row.getInt(4),
        row.getInt(5), row.getBytes(6), row.getString(7), row.getString(8), row.getLong(9), row.getLong(10),
        row.getLong(11), row.getInt(12));
  }
}
