package dev.switchboard.platform.store;

import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What each consumer has processed, by message id, so that a redelivered message changes nothing
 * twice and gets the same result event again. The records are durable (table
 * {@code sb_processed}), and a handler that writes to the store records its message in the same
 * transaction as its effect: after a crash, either both are there or neither. Claims of messages
 * being handled right now live in memory only; a crash forgets them, and the redelivery runs.
 */
public final class ProcessedMessages {

  /** The state of a message id for one consumer. */
  public sealed interface Seen {
    /** Not handled before: this delivery holds the claim, and ends it with {@link #release} or {@link #complete}. */
    record New(Claim claim) implements Seen { }

    /** Being handled right now (a redelivery while the first delivery runs): completes with that handling. */
    record InProgress(Future<Void> handling) implements Seen { }

    record Done(Optional<Envelope> result) implements Seen { }
  }

  /**
   * One delivery's claim of a message. Ending it a second time, or after it was ended and another
   * delivery claimed the message, does nothing: only the delivery that holds a claim ends it.
   */
  public static final class Claim {
    private final String consumer;
    private final String messageId;
    private final Promise<Void> handling = Promise.promise();

    private Claim(String consumer, String messageId) {
      this.consumer = consumer;
      this.messageId = messageId;
    }

    private String key() {
      return ProcessedMessages.key(consumer, messageId);
    }
  }

  /** The longest message id a record keeps: the size of its column, {@code message_id VARCHAR(500)}. */
  public static final int MAX_MESSAGE_ID = 500;
  /** Rows deleted per transaction when old records are purged. */
  public static final int PURGE_CHUNK = 1_000;
  /** How far in the future a record's time may be before the purge says so (clocks of one machine step a little). */
  private static final long FUTURE_TOLERANCE_MS = 60_000;
  private static final Logger LOGGER = LoggerFactory.getLogger(ProcessedMessages.class);

  private final Database database;
  private final Map<String, Claim> inProgress = new ConcurrentHashMap<>();

  /** Over the store's table(s), created by the platform's migrations ({@code db/platform}). */
  public ProcessedMessages(Database database) {
    this.database = database;
  }

  /** Claims the message for handling; tells what was seen before if it was not new. */
  public Future<Seen> claim(String consumer, String messageId) {
    Claim claim = new Claim(consumer, messageId);
    Claim earlier = inProgress.putIfAbsent(claim.key(), claim);
    if (earlier != null) {
      return Future.succeededFuture(new Seen.InProgress(earlier.handling.future()));
    }
    return database.transaction(connection -> find(connection, consumer, messageId))
        .map(found -> {
          if (found.isPresent()) {
            release(claim);
            return (Seen) found.get();
          }
          return new Seen.New(claim);
        })
        .onFailure(failure -> release(claim, failure));
  }

  /**
   * Claims the message in memory only, for a handler whose own transaction refuses a message recorded
   * before ({@link #handleOnce}): no transaction of its own reads the store before it. A message
   * being handled right now is {@link Seen.InProgress}; any other is {@link Seen.New} here, and a
   * record of it makes its handler's transaction refuse it.
   */
  public Seen claimInMemory(String consumer, String messageId) {
    Claim claim = new Claim(consumer, messageId);
    Claim earlier = inProgress.putIfAbsent(claim.key(), claim);
    return earlier != null ? new Seen.InProgress(earlier.handling.future()) : new Seen.New(claim);
  }

  /**
   * Runs {@code handler} inside the caller's transaction and records the message as processed in
   * that same transaction, with the result event {@code result} makes of the handler's reply (null:
   * none kept). A message recorded before is refused with a {@link DuplicateMessageException} that
   * carries its record, so that the caller answers (or publishes) what was recorded the first time;
   * the caller's transaction, effect included, is then rolled back.
   * <p>
   * On PostgreSQL the record is looked for before the handler runs: a failed statement aborts the
   * whole transaction there, so nothing could be read after a refused insert. On H2 a failed
   * statement leaves its transaction as it was, and its one writer runs pieces of work one after
   * another: there the record's insert itself refuses a duplicate, and no read precedes the handler
   * (a lookup per message was 8% of the writer's time in the all-rpc checkout). A duplicate — rare —
   * runs the handler, which changes nothing that stays; its refused insert, or the handler's own
   * failure, then reads the record.
   */
  public <R> R handleOnce(Connection connection, String consumer, String messageId, SqlWork<R> handler,
                          Function<R, Envelope> result) throws SQLException {
    if (database.postgres()) {
      Optional<Seen.Done> found = find(connection, consumer, messageId);
      if (found.isPresent()) {
        throw new DuplicateMessageException(consumer, messageId, found.get().result());
      }
      R reply = handler.apply(connection);
      record(connection, consumer, messageId, result.apply(reply));
      return reply;
    }
    R reply;
    try {
      reply = handler.apply(connection);
    } catch (SQLException failure) {
      // the handler may have refused a message it handled before: its record tells
      throw refusedIfRecorded(connection, consumer, messageId, failure);
    } catch (RuntimeException failure) {
      throw refusedIfRecorded(connection, consumer, messageId, failure);
    }
    try {
      record(connection, consumer, messageId, result.apply(reply));
    } catch (DuplicateMessageException refused) {
      throw refusedIfRecorded(connection, consumer, messageId, refused);
    }
    return reply;
  }

  /**
   * Throws the duplicate's refusal carrying its record if the message is recorded; else returns
   * {@code failure}, to be thrown as it was (a failure to read the record added to it, suppressed).
   */
  private static <T extends Exception> T refusedIfRecorded(Connection connection, String consumer, String messageId,
                                                           T failure) {
    Optional<Seen.Done> found;
    try {
      found = find(connection, consumer, messageId);
    } catch (SQLException unreadable) {
      failure.addSuppressed(unreadable);
      return failure;
    }
    if (found.isPresent()) {
      throw new DuplicateMessageException(consumer, messageId, found.get().result());
    }
    return failure;
  }

  /**
   * Records the message as processed inside the caller's transaction (with the effect it had). The
   * primary key refuses a second record of the same message: {@link DuplicateMessageException},
   * and the caller's transaction, effect included, rolls back.
   */
  public void record(Connection connection, String consumer, String messageId, Envelope result) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO sb_processed (consumer, message_id, result, processed_at_ms) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, consumer);
      insert.setString(2, messageId);
      insert.setBytes(3, result == null ? null : result.toBytes());
      insert.setLong(4, System.currentTimeMillis());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw new DuplicateMessageException(consumer, messageId);
      }
      throw e;
    }
  }

  /**
   * The record of the message, if it was processed: with the result event recorded for it, if any.
   * (A handler whose transaction refused a second record answers with what the first one recorded.)
   */
  public Future<Optional<Seen.Done>> recorded(String consumer, String messageId) {
    return database.transaction(connection -> find(connection, consumer, messageId));
  }

  /** Whether a message id fits the record's column: 1 to {@link #MAX_MESSAGE_ID} characters. */
  public static boolean recordable(String messageId) {
    return !messageId.isEmpty() && messageId.length() <= MAX_MESSAGE_ID;
  }

  /** Records the claimed message as processed in a transaction of its own, and ends its claim. */
  public Future<Void> complete(Claim claim, Envelope result) {
    return database.<Void>transaction(connection -> {
      record(connection, claim.consumer, claim.messageId, result);
      return null;
    }).onSuccess(done -> release(claim));
  }

  /**
   * Forgets the record of one message, so that the message, delivered again, runs its handler again:
   * for a dead letter being replayed, whose record holds the failure that dead-lettered it.
   * Completes with whether there was a record.
   */
  public Future<Boolean> forget(String consumer, String messageId) {
    return database.transaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM sb_processed WHERE consumer = ? AND message_id = ?")) {
        delete.setString(1, consumer);
        delete.setString(2, messageId);
        return delete.executeUpdate() > 0;
      }
    });
  }

  /**
   * Forgets the records older than {@code retentionMs}, {@link #PURGE_CHUNK} rows per transaction so
   * that the store's one thread is never held long; completes with how many. On PostgreSQL they are
   * found by their age (index {@code sb_processed_age}). On H2, whose one writer inserts the records in
   * the order of their time, the table is walked in that order ({@code _ROWID_}), oldest first, up to
   * the first record younger than that: no index to keep up for every record. (A record inserted after
   * a younger one, the clock having been set back, waits until that one is old too; a record stamped in
   * the future holds the walk until then, and is logged.)
   */
  public Future<Integer> purge(long retentionMs) {
    long olderThanMs = System.currentTimeMillis() - retentionMs;
    return database.postgres() ? purgeByAge(olderThanMs, 0) : purgeOldestFirst(olderThanMs, 0);
  }

  private Future<Integer> purgeByAge(long olderThanMs, int purgedSoFar) {
    return database.transaction(connection -> {
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM sb_processed WHERE (consumer, message_id) IN (SELECT consumer, message_id FROM sb_processed "
              + "WHERE processed_at_ms < ? FETCH FIRST " + PURGE_CHUNK + " ROWS ONLY)")) {
        delete.setLong(1, olderThanMs);
        return delete.executeUpdate();
      }
    }).compose(deleted -> deleted < PURGE_CHUNK ? Future.succeededFuture(purgedSoFar + deleted)
        : purgeByAge(olderThanMs, purgedSoFar + deleted));
  }

  /**
   * One chunk of the walk: how many records it forgot, whether it reached a young one (or the end), and
   * the time of the young one it stopped at (0: none).
   */
  private record Walked(int forgotten, boolean done, long stoppedAtMs) {
  }

  private Future<Integer> purgeOldestFirst(long olderThanMs, int purgedSoFar) {
    return database.transaction(connection -> {
      List<String[]> old = new ArrayList<>();
      int read = 0;
      boolean young = false;
      long stoppedAtMs = 0;
      try (PreparedStatement oldest = connection.prepareStatement("SELECT consumer, message_id, processed_at_ms "
          + "FROM sb_processed ORDER BY _ROWID_ FETCH FIRST " + PURGE_CHUNK + " ROWS ONLY");
           ResultSet rows = oldest.executeQuery()) {
        while (!young && rows.next()) {
          read++;
          young = rows.getLong(3) >= olderThanMs;
          if (young) {
            stoppedAtMs = rows.getLong(3);
          } else {
            old.add(new String[] {rows.getString(1), rows.getString(2)});
          }
        }
      }
      if (!old.isEmpty()) {
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM sb_processed WHERE consumer = ? AND message_id = ?")) {
          for (String[] key : old) {
            delete.setString(1, key[0]);
            delete.setString(2, key[1]);
            delete.addBatch();
          }
          delete.executeBatch();
        }
      }
      return new Walked(old.size(), young || read < PURGE_CHUNK, stoppedAtMs);
    }).compose(walked -> {
      if (walked.stoppedAtMs() > System.currentTimeMillis() + FUTURE_TOLERANCE_MS) {
        LOGGER.warn("processed-message records: the oldest one kept is stamped {} ms in the future (the clock set "
            + "back since it was written?); records inserted after it are forgotten only once it is old",
            walked.stoppedAtMs() - System.currentTimeMillis());
      }
      return walked.done() || walked.forgotten() == 0
          ? Future.succeededFuture(purgedSoFar + walked.forgotten())
          : purgeOldestFirst(olderThanMs, purgedSoFar + walked.forgotten());
    });
  }

  /** Ends the claim once the record is stored: a redelivery that waited on it is done too. */
  public void release(Claim claim) {
    release(claim, null);
  }

  /**
   * Ends the claim after a failure, so that a redelivery runs again; a redelivery that waited on
   * this handling fails with it (and is delivered again by its transport). A claim ended already
   * is left as it is, and so is the claim another delivery has taken since.
   */
  public void release(Claim claim, Throwable failure) {
    if (inProgress.remove(claim.key(), claim)) {
      if (failure == null) {
        claim.handling.tryComplete();
      } else {
        claim.handling.tryFail(failure);
      }
    }
  }

  /**
   * Ends every claim of {@code consumer} with {@code failure}: its consumer stopped, and the work it
   * had in flight will not finish. A redelivery that waited on one of them fails and is delivered again.
   */
  public void releaseAll(String consumer, Throwable failure) {
    String prefix = consumer + "/";
    inProgress.keySet().removeIf(key -> {
      if (!key.startsWith(prefix)) {
        return false;
      }
      Claim claim = inProgress.get(key);
      if (claim != null) {
        claim.handling.tryFail(failure);
      }
      return true;
    });
  }

  private static String key(String consumer, String messageId) {
    return consumer + "/" + messageId;
  }

  private static Optional<Seen.Done> find(Connection connection, String consumer, String messageId)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT result FROM sb_processed WHERE consumer = ? AND message_id = ?")) {
      select.setString(1, consumer);
      select.setString(2, messageId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        byte[] result = row.getBytes(1);
        return Optional.of(new Seen.Done(Optional.ofNullable(result).map(Envelope::fromBytes)));
      }
    }
  }
}
