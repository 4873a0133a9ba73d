package dev.switchboard.platform.store;

import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead letters a transport keeps nowhere itself (the event bus), kept durably with everything a
 * replay needs (table {@code sb_dead_letter}: the message's headers and body bytes, why and after how
 * many attempts it was given up), and the replays of any dead letter, wherever it is kept (table
 * {@code sb_dead_letter_replay}, by the dead letter's id: {@code local:<row id>},
 * {@code kafka:<topic>:<partition>:<offset>}). Plain SQL that H2 and PostgreSQL both take.
 */
public final class DeadLetterStore {

  /** What a column keeps of a longer text: the whole message is in the headers and body anyway. */
  private static final int MAX_ID = 500;
  private static final int MAX_REASON = 2_000;
  /** Ids per {@code IN (...)} when replays are looked up. */
  private static final int IDS_PER_QUERY = 200;

  /** A dead letter of the event bus as kept; {@code stream} is null for a command. */
  public record Kept(long id, String operation, String stream, String reasonCode, String reasonMessage,
                     int attempts, long deadAtMs, Envelope message) {
  }

  /** How often a dead letter was replayed, and when last. */
  public record Replay(int count, long lastAtMs) {
  }

  private final Database database;

  /** Over the store's table(s), created by the platform's migrations ({@code db/platform}). */
  public DeadLetterStore(Database database) {
    this.database = database;
  }

  /** Keeps a dead letter; completes with its row id. {@code stream} is null for a command. */
  public Future<Long> keep(String operation, String stream, Envelope message, String reasonCode,
                           String reasonMessage, int attempts) {
    JsonObject headers = new JsonObject();
    message.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
    long now = System.currentTimeMillis();
    return database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sb_dead_letter (operation, stream, "
          + "message_id, correlation_id, reason_code, reason_message, attempts, dead_at_ms, headers, body) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
        insert.setString(1, operation);
        insert.setString(2, stream);
        insert.setString(3, cut(message.context().messageId(), MAX_ID));
        insert.setString(4, cut(message.context().correlationId(), MAX_ID));
        insert.setString(5, reasonCode);
        insert.setString(6, cut(reasonMessage, MAX_REASON));
        insert.setInt(7, attempts);
        insert.setLong(8, now);
        insert.setString(9, headers.encode());
        insert.setBytes(10, message.body().getBytes());
        insert.executeUpdate();
        try (ResultSet key = insert.getGeneratedKeys()) {
          key.next();
          return key.getLong(1);
        }
      }
    });
  }

  /** The newest dead letters first, of one operation or (empty) of all, at most {@code limit}. */
  public Future<List<Kept>> newest(Optional<String> operation, int limit) {
    return database.transaction(connection -> {
      String sql = "SELECT id, operation, stream, reason_code, reason_message, attempts, dead_at_ms, headers, body "
          + "FROM sb_dead_letter" + (operation.isPresent() ? " WHERE operation = ?" : "")
          + " ORDER BY dead_at_ms DESC, id DESC LIMIT ?";
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int parameter = 1;
        if (operation.isPresent()) {
          select.setString(parameter++, operation.get());
        }
        select.setInt(parameter, limit);
        List<Kept> kept = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            kept.add(kept(rows));
          }
        }
        return kept;
      }
    });
  }

  private static Kept kept(ResultSet row) throws SQLException {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    new JsonObject(row.getString("headers")).forEach(header -> headers.add(header.getKey(),
        String.valueOf(header.getValue())));
    Envelope message = Envelope.fromHeaders(Buffer.buffer(row.getBytes("body")), headers);
    return new Kept(row.getLong("id"), row.getString("operation"), row.getString("stream"),
        row.getString("reason_code"), row.getString("reason_message"), row.getInt("attempts"),
        row.getLong("dead_at_ms"), message);
  }

  /** The replays of the dead letters with these ids (those never replayed are absent). */
  public Future<Map<String, Replay>> replays(Collection<String> ids) {
    List<String> all = List.copyOf(ids);
    return database.transaction(connection -> {
      Map<String, Replay> replays = new HashMap<>();
      for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
        List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
        String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT id, replays, replayed_at_ms FROM sb_dead_letter_replay WHERE id IN (" + marks + ")")) {
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 1, chunk.get(i));
          }
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              replays.put(rows.getString(1), new Replay(rows.getInt(2), rows.getLong(3)));
            }
          }
        }
      }
      return replays;
    });
  }

  /** Counts one more replay of each of these dead letters, now. */
  public Future<Void> replayed(Collection<String> ids) {
    long now = System.currentTimeMillis();
    return database.transaction(connection -> {
      for (String id : ids) {
        replayed(connection, id, now);
      }
      return null;
    });
  }

  /** An update, or an insert for the first replay (no MERGE: PostgreSQL spells it otherwise). */
  private static void replayed(Connection connection, String id, long now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE sb_dead_letter_replay SET replays = replays + 1, replayed_at_ms = ? WHERE id = ?")) {
      update.setLong(1, now);
      update.setString(2, id);
      if (update.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO sb_dead_letter_replay (id, replayed_at_ms, replays) VALUES (?, ?, 1)")) {
      insert.setString(1, id);
      insert.setLong(2, now);
      insert.executeUpdate();
    }
  }

  private static String cut(String text, int max) {
    String value = text == null ? "" : text;
    return value.length() <= max ? value : value.substring(0, max);
  }
}
