package dev.switchboard.platform.saga;

import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where saga instances live between steps: table {@code sb_saga} of the platform's store. A saga
 * stays "open" until its end hook (confirm or reject the order, announce it) has run, so that a
 * process that dies between the last step and the hook runs the hook after its restart.
 *
 * <p><b>Replicas on one database.</b> Every change is checked against the version it was based on
 * (optimistic: a change based on an older version fails with {@link SagaChangedException}), and a
 * saga's creation is guarded by its primary key. An open saga is <em>leased</em> to the process that
 * stored its last step ({@code lease_owner}, {@code lease_until_ms} = that time plus
 * {@code saga.stallAfterMs}, rounded up — see {@link #leaseUntil}); the start-up resume and the
 * sweeper claim only sagas whose lease has run out (or, at start-up, this instance's own), in a transaction that locks them with
 * {@code FOR UPDATE SKIP LOCKED}: two replicas never claim the same saga at once, and a live
 * replica's sagas are left to it.
 *
 * <p><b>The latest version in memory.</b> The version this store last stored of each open saga is
 * kept in memory ({@link #latest}), so that advancing a saga reads no row: the engine decides from
 * that copy and stores the change with the usual version check. A copy can only be older than the
 * row (another replica, or another store object on the same database, changed it): then the change
 * fails with {@link SagaChangedException} and the engine loads the row; and an outcome the copy
 * says is not awaited is checked against the row before it is ignored. A copy is dropped when its
 * saga closes or a change of it fails; at most {@value #MAX_LATEST} are kept (least recently used go first).
 */
public final class SagaStore {

  /** How many open sagas' latest versions are kept in memory at most. */
  static final int MAX_LATEST = 50_000;

  private static final String COLUMNS = "saga_id, saga, status, step, attempt, data, reason, correlation_id, "
      + "started_at_ms, updated_at_ms, version, redrives";

  private final Database database;
  private final String owner;
  private final long leaseMs;
  /** What a lease's end is rounded up to a multiple of (see {@link #leaseUntil}). */
  private final long leaseGrainMs;
  private final Map<String, SagaRecord> latest = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SagaRecord> eldest) {
      return size() > MAX_LATEST;
    }
  };

  /**
   * Over the store's table(s), created by the platform's migrations ({@code db/platform}).
   *
   * @param owner   this process's {@code instance.id}: the owner of the leases it takes
   * @param leaseMs how long a lease lasts after the step that took it ({@code saga.stallAfterMs})
   */
  public SagaStore(Database database, String owner, long leaseMs) {
    this.database = database;
    this.owner = owner;
    this.leaseMs = leaseMs;
    this.leaseGrainMs = Math.max(1, Math.min(1000, leaseMs / 10));
  }

  /** The saga store of a platform: in its store, leases owned by its {@code instance.id}. */
  public static SagaStore of(Switchboard switchboard) {
    return new SagaStore(switchboard.store(), switchboard.config().instance(), switchboard.config().sagaStallAfterMs());
  }

  /**
   * Stores a new instance, leased to this process; completes with {@code false} if one with that id
   * exists already (the primary key decides between replicas creating it at once).
   */
  public Future<Boolean> create(SagaRecord record) {
    return database.transaction(connection -> {
      if (find(connection, record.sagaId()).isPresent()) {
        return false;
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sb_saga (" + COLUMNS + ", lease_owner, lease_until_ms, open) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)")) {
        bind(insert, record, record.version());
        insert.setString(13, owner);
        insert.setLong(14, leaseUntil(record.updatedAtMs()));
        insert.executeUpdate();
      }
      return true;
    }).onSuccess(created -> {
      if (created) {
        remember(record);
      }
    });
  }

  /** The instance as stored now (read from the store, not from memory). */
  public Future<Optional<SagaRecord>> load(String sagaId) {
    return database.transaction(connection -> find(connection, sagaId));
  }

  /**
   * The version of the instance this store last stored, if it is open and kept in memory: the row
   * as it is unless someone else changed it since (see above). Empty: {@link #load} it.
   */
  public Optional<SagaRecord> latest(String sagaId) {
    synchronized (latest) {
      return Optional.ofNullable(latest.get(sagaId));
    }
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
   * Replaces the instance if its stored version is {@code record.version()}, renewing this process's
   * lease; completes with the stored record (version incremented), or fails with
   * {@link SagaChangedException} if someone else changed it first.
   */
  public Future<SagaRecord> update(SagaRecord record) {
    SagaRecord stored = new SagaRecord(record.sagaId(), record.saga(), record.status(), record.step(),
        record.attempt(), record.data(), record.reason(), record.correlationId(), record.startedAtMs(),
        record.updatedAtMs(), record.version() + 1, record.redrives());
    return database.transaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sb_saga SET saga_id = ?, saga = ?, status = ?, step = ?, attempt = ?, data = ?, reason = ?, "
              + "correlation_id = ?, started_at_ms = ?, updated_at_ms = ?, version = ?, redrives = ?, "
              + "lease_owner = ?, lease_until_ms = ? WHERE saga_id = ? AND version = ?")) {
        bind(update, stored, stored.version());
        update.setString(13, owner);
        update.setLong(14, leaseUntil(record.updatedAtMs()));
        update.setString(15, record.sagaId());
        update.setLong(16, record.version());
        return update.executeUpdate() == 1;
      }
    }).transform(updated -> {
      if (updated.succeeded() && updated.result()) {
        remember(stored);
        return Future.succeededFuture(stored);
      }
      forget(record.sagaId());
      return Future.failedFuture(updated.failed() ? updated.cause()
          : new SagaChangedException(record.sagaId(), record.version()));
    });
  }

  /**
   * When a lease taken at {@code nowMs} runs out: {@code saga.stallAfterMs} later, rounded up to a
   * multiple of a grain — a tenth of it, at most a second. The steps of one saga mostly follow each
   * other within that grain, so they store the same value: the row changes, its entry in the index
   * over {@code (open, lease_until_ms)} does not (the store rewrites an index entry only when its key
   * changes — one B-tree removal and insertion fewer per step). A lease lasts up to a grain longer.
   */
  long leaseUntil(long nowMs) {
    return Math.floorDiv(nowMs + leaseMs + leaseGrainMs - 1, leaseGrainMs) * leaseGrainMs;
  }

  /** Records that the end hook of a terminal saga has run: the saga is closed for good. */
  public Future<Void> close(String sagaId) {
    return database.<Void>transaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sb_saga SET open = FALSE WHERE saga_id = ?")) {
        update.setString(1, sagaId);
        update.executeUpdate();
      }
      return null;
    }).onComplete(closed -> forget(sagaId));
  }

  private void remember(SagaRecord record) {
    synchronized (latest) {
      latest.put(record.sagaId(), record);
    }
  }

  private void forget(String sagaId) {
    synchronized (latest) {
      latest.remove(sagaId);
    }
  }

  /**
   * Claims, for a process starting up, the open instances it should resume — running,
   * compensating, or ended without their end hook having run — oldest first: on a store of this
   * process alone (the embedded H2) every one; on a store shared by replicas, those whose lease
   * ran out or that this instance leased before it stopped, leaving a live replica's to it.
   */
  public Future<List<SagaRecord>> claimUnfinished() {
    boolean shared = database.postgres();
    long now = System.currentTimeMillis();
    String which = shared ? "open AND (lease_owner = ? OR lease_until_ms < ?)" : "open";
    return claim("SELECT " + COLUMNS + " FROM sb_saga WHERE " + which + " ORDER BY started_at_ms FOR UPDATE SKIP LOCKED",
        select -> {
          if (shared) {
            select.setString(1, owner);
            select.setLong(2, now);
          }
        }, now);
  }

  /**
   * Claims the open instances whose lease has run out — not changed for {@code saga.stallAfterMs}
   * (or up to a grain more, see {@link #leaseUntil}):
   * waiting longer than they should for an outcome, or for their end hook — oldest first, at most
   * {@code limit}. Rows another replica is claiming at this moment are skipped, not waited for.
   */
  public Future<List<SagaRecord>> claimStalled(int limit) {
    long now = System.currentTimeMillis();
    return claim("SELECT " + COLUMNS + " FROM sb_saga WHERE open AND lease_until_ms < ? ORDER BY updated_at_ms "
        + "FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED", select -> select.setLong(1, now), now);
  }

  /** Selects rows with {@code sql} (locking them), then leases them to this process, in one transaction. */
  private Future<List<SagaRecord>> claim(String sql, Binder binder, long now) {
    return database.transaction(connection -> {
      List<SagaRecord> records = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        binder.bind(select);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            records.add(read(rows));
          }
        }
      }
      if (!records.isEmpty()) {
        try (PreparedStatement lease = connection.prepareStatement(
            "UPDATE sb_saga SET lease_owner = ?, lease_until_ms = ? WHERE saga_id = ?")) {
          for (SagaRecord record : records) {
            lease.setString(1, owner);
            lease.setLong(2, leaseUntil(now));
            lease.setString(3, record.sagaId());
            lease.addBatch();
          }
          lease.executeBatch();
        }
      }
      return records;
    });
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
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
