package dev.switchboard.platform.store;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.testing.StoreRows;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.testing.TestStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Processed-message records")
class ProcessedMessagesTest {

  private Vertx vertx;
  private Database database;
  private ProcessedMessages processed;

  private void open(TestStore store) {
    vertx = Vertx.vertx();
    database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(store.settings()))));
    processed = new ProcessedMessages(database);
  }

  /** Opens the store with a table {@code effect} for the handlers' effects. */
  private void openWithEffects(TestStore store) {
    open(store);
    StoreRows.execute(database, "CREATE TABLE effect (id INT)");
  }

  @AfterEach
  void close() {
    if (database != null) {
      Blocking.await(database.close());
    }
    if (vertx != null) {
      Blocking.await(vertx.close());
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a second record of the same message is refused by the primary key, and its transaction rolls back")
  void secondRecordIsRefused(TestStore store) {
    open(store);
    Blocking.await(processed.complete(claimed("payment.charge", "m-1"), null));
    StoreRows.execute(database, "CREATE TABLE effect (id INT)");
    assertThatThrownBy(() -> Blocking.await(database.transaction(connection -> {
      try (PreparedStatement effect = connection.prepareStatement("INSERT INTO effect VALUES (1)")) {
        effect.executeUpdate();
      }
      processed.record(connection, "payment.charge", "m-1", null);
      return null;
    }))).isInstanceOf(DuplicateMessageException.class).hasMessageContaining("m-1");
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isEqualTo(1);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM effect"))).isZero();
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a message handled once is recorded with its result; handled again it is refused carrying that"
      + " record, whether its handler succeeds or refuses the second time, and nothing of the second run stays")
  void handledOnce(TestStore store) {
    openWithEffects(store);
    Envelope result = firstReply();
    SqlWork<String> effect = inserting(1);

    String reply = Blocking.await(database.transaction(connection ->
        processed.handleOnce(connection, "payment.charge", "m-1", effect, done -> result)));
    assertThat(reply).isEqualTo("inserted 1");

    SqlWork<String> refusing = connection -> {
      effect.apply(connection);
      throw new OperationException(ErrorCode.FAILED_PRECONDITION, "charged already");
    };
    for (SqlWork<String> again : List.of(effect, refusing)) {
      assertThatThrownBy(() -> Blocking.await(database.transaction(connection ->
          processed.handleOnce(connection, "payment.charge", "m-1", again, done -> result))))
          .isInstanceOfSatisfying(DuplicateMessageException.class, duplicate -> {
            assertThat(duplicate.recordRead()).isTrue();
            assertThat(duplicate.recordedResult()).hasValueSatisfying(recorded ->
                assertThat(recorded.body().toString()).isEqualTo("first reply"));
          });
    }
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM effect"))).isEqualTo(1);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isEqualTo(1);

    // a message never handled: its handler's refusal is the caller's to hear, and nothing is recorded
    assertThatThrownBy(() -> Blocking.await(database.transaction(connection ->
        processed.handleOnce(connection, "payment.charge", "m-2", refusing, done -> result))))
        .isInstanceOf(OperationException.class).hasMessageContaining("charged already");
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isEqualTo(1);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM effect"))).isEqualTo(1);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a duplicate asked in the same turn as its first delivery and another piece (one batch on H2) is"
      + " refused carrying the record, its effect undone, while the other two take effect")
  void duplicateInTheSameBatch(TestStore store) {
    openWithEffects(store);
    Envelope result = firstReply();
    Promise<List<String>> heard = Promise.promise();
    vertx.getOrCreateContext().runOnContext(turn -> {
      List<Future<String>> pieces = new ArrayList<>();
      for (int id = 1; id <= 3; id++) {
        SqlWork<String> effect = inserting(id);
        boolean recorded = id < 3;
        pieces.add(database.transaction(connection -> !recorded ? effect.apply(connection)
            : processed.handleOnce(connection, "payment.charge", "m-1", effect, done -> result)));
      }
      Future.join(pieces).onComplete(all -> heard.complete(pieces.stream().map(piece -> piece.succeeded()
          ? piece.result() : !(piece.cause() instanceof DuplicateMessageException duplicate) ? piece.cause().toString()
          : duplicate.recordRead() ? "duplicate of " + duplicate.recordedResult().map(recorded -> recorded.body()
          .toString()).orElse("no result") : "duplicate, record not read").toList()));
    });

    List<String> outcomes = Blocking.await(heard.future());
    Set<String> effects = Blocking.await(database.queryTotals("SELECT id, COUNT(*) FROM effect GROUP BY id"))
        .keySet();
    if (store == TestStore.H2) {
      // one writer, one batch: the refused insert reads the record of the piece before it
      assertThat(outcomes).containsExactly("inserted 1", "duplicate of first reply", "inserted 3");
      assertThat(effects).containsExactlyInAnyOrder("1", "3");
    } else {
      // concurrent writers: either delivery may be first; the other finds the record, or both look
      // first, find nothing, and the primary key refuses the later (its caller reads the record afterwards)
      assertThat(outcomes.get(2)).isEqualTo("inserted 3");
      assertThat(outcomes.subList(0, 2)).filteredOn(outcome -> outcome.startsWith("inserted")).hasSize(1);
      assertThat(outcomes.subList(0, 2)).filteredOn(outcome -> outcome.startsWith("duplicate")).hasSize(1)
          .allSatisfy(outcome -> assertThat(outcome).isIn("duplicate of first reply", "duplicate, record not read"));
      assertThat(effects).hasSize(2).contains("3");
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a first delivery whose handler's SQL fails is that failure, not a duplicate, and is not recorded")
  void handlerSqlFailureIsNotADuplicate(TestStore store) {
    open(store);
    assertThatThrownBy(() -> Blocking.await(database.transaction(connection ->
        processed.handleOnce(connection, "payment.charge", "m-1", inserting(1), done -> null))))
        .isInstanceOf(OperationException.class)
        .satisfies(failure -> assertThat(failure.getMessage().toLowerCase(Locale.ROOT)).contains("effect"));
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isZero();
  }

  /** The result event the first handling of a message records. */
  private static Envelope firstReply() {
    return Envelope.of(Buffer.buffer("first reply"), CallContext.begin("c-1").withMessageId("r-1"));
  }

  /** Work that inserts {@code id} into table {@code effect}. */
  private static SqlWork<String> inserting(int id) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effect VALUES (?)")) {
        insert.setInt(1, id);
        insert.executeUpdate();
      }
      return "inserted " + id;
    };
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a claim ended twice ends only itself: the claim a redelivery took in between stays, and a third"
      + " delivery waits for it")
  void claimEndedTwiceEndsOnlyItself(TestStore store) {
    open(store);
    ProcessedMessages.Claim first = claimed("payment.charge", "m-1");
    processed.release(first, new IllegalStateException("handler failed"));
    ProcessedMessages.Claim second = claimed("payment.charge", "m-1");

    processed.release(first, new IllegalStateException("its result could not be published"));

    ProcessedMessages.Seen third = Blocking.await(processed.claim("payment.charge", "m-1"));
    assertThat(third).isInstanceOf(ProcessedMessages.Seen.InProgress.class);
    Blocking.await(processed.complete(second, null));
    Blocking.await(((ProcessedMessages.Seen.InProgress) third).handling()); // done with the second, not failed with the first
    assertThat(Blocking.await(processed.claim("payment.charge", "m-1"))).isInstanceOf(ProcessedMessages.Seen.Done.class);
  }

  private ProcessedMessages.Claim claimed(String consumer, String messageId) {
    ProcessedMessages.Seen seen = Blocking.await(processed.claim(consumer, messageId));
    assertThat(seen).isInstanceOf(ProcessedMessages.Seen.New.class);
    return ((ProcessedMessages.Seen.New) seen).claim();
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("old records are purged in chunks, every one of them, and the young ones stay")
  void purgeInChunks(TestStore store) {
    open(store);
    int old = ProcessedMessages.PURGE_CHUNK * 2 + 500;
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < old + 10; i++) {
      times.add(i < old ? 1_000 : System.currentTimeMillis());
    }
    insertRecords(times);

    assertThat(Blocking.await(processed.purge(60_000))).isEqualTo(old);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isEqualTo(10);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("H2 keeps no index by age: its purge walks the records oldest first and stops at the first young one")
  void h2PurgeWalksOldestFirst(TestStore store) {
    open(store);
    long young = System.currentTimeMillis();
    insertRecords(List.of(1_000L, 2_000L, young, 3_000L, 4_000L));

    int purged = Blocking.await(processed.purge(60_000));

    long ageIndexes = Blocking.await(database.queryLong(store == TestStore.H2
        ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = 'SB_PROCESSED_AGE'"
        : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'sb_processed_age'"));
    if (store == TestStore.H2) {
      assertThat(ageIndexes).isZero();
      assertThat(purged).as("the two records before the young one; those inserted after it wait").isEqualTo(2);
    } else {
      assertThat(ageIndexes).isEqualTo(1);
      assertThat(purged).as("every old record, found by its age").isEqualTo(4);
    }
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed WHERE processed_at_ms = "
        + young))).isEqualTo(1);
  }

  /** One record of consumer {@code c} per time, inserted in the order given. */
  private void insertRecords(List<Long> processedAtMs) {
    Blocking.await(database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sb_processed (consumer, message_id, result, processed_at_ms) VALUES (?, ?, NULL, ?)")) {
        for (int i = 0; i < processedAtMs.size(); i++) {
          insert.setString(1, "c");
          insert.setString(2, "m-" + i);
          insert.setLong(3, processedAtMs.get(i));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return null;
    }));
  }
}
