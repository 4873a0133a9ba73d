package dev.switchboard.platform.store;

import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Domain events that could not be delivered to every subscriber when they were emitted (a
 * subscriber down, a transport refusing them), kept in the store (table {@code sb_outbox}) until
 * a later delivery succeeds — while the process runs and after a restart. Subscribers deduplicate
 * by event id, so delivering an event again to those that had it changes nothing.
 */
public final class EventOutbox {

  /** An event waiting for its delivery. */
  public record Pending(String stream, Envelope event, int attempts) {
  }


  private final Database database;

  /** Over the store's table(s), created by the platform's migrations ({@code db/platform}). */
  public EventOutbox(Database database) {
    this.database = database;
  }

  /**
   * Keeps an event for a later delivery (once: keeping it again changes nothing). Inserted only if
   * absent, rather than caught when the key refuses it: PostgreSQL allows nothing more in a
   * transaction after a failed statement.
   */
  public Future<Void> keep(String stream, Envelope event) {
    return database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sb_outbox (event_id, stream, event, attempts, attempted_at_ms) SELECT ?, ?, ?, 1, ? "
              + "WHERE NOT EXISTS (SELECT 1 FROM sb_outbox WHERE event_id = ?)")) {
        insert.setString(1, event.context().messageId());
        insert.setString(2, stream);
        insert.setBytes(3, event.toBytes());
        insert.setLong(4, System.currentTimeMillis());
        insert.setString(5, event.context().messageId());
        insert.executeUpdate();
      }
      return null;
    });
  }

  /** The events last attempted before {@code olderThanMs}, oldest first, at most {@code limit}. */
  public Future<List<Pending>> due(long olderThanMs, int limit) {
    return database.transaction(connection -> {
      List<Pending> due = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT stream, event, attempts FROM sb_outbox WHERE attempted_at_ms < ? ORDER BY attempted_at_ms "
              + "FETCH FIRST " + limit + " ROWS ONLY")) {
        select.setLong(1, olderThanMs);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            due.add(new Pending(rows.getString(1), Envelope.fromBytes(rows.getBytes(2)), rows.getInt(3)));
          }
        }
      }
      return due;
    });
  }

  /** Every subscriber has the event now: forgets it. */
  public Future<Void> delivered(String eventId) {
    return database.transaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sb_outbox WHERE event_id = ?")) {
        delete.setString(1, eventId);
        delete.executeUpdate();
      }
      return null;
    });
  }

  /** Another delivery failed: tried again after the next wait. */
  public Future<Void> attempted(String eventId) {
    return database.transaction(connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sb_outbox SET attempts = attempts + 1, attempted_at_ms = ? WHERE event_id = ?")) {
        update.setLong(1, System.currentTimeMillis());
        update.setString(2, eventId);
        update.executeUpdate();
      }
      return null;
    });
  }
}
