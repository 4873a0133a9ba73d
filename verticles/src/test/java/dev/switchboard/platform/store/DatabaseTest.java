package dev.switchboard.platform.store;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.testing.StoreRows;
import dev.switchboard.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Store transactions taken together")
class DatabaseTest {

  private Vertx vertx;
  private Database database;

  private void open(TestStore store) {
    vertx = Vertx.vertx();
    database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(store.settings()))));
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
  @DisplayName("pieces of work queued together: a failing one is rolled back alone, the others are committed,"
      + " and every caller hears its own outcome on its own context")
  void failingPieceIsRolledBackAlone(TestStore store) throws Exception {
    open(store);
    StoreRows.execute(database, "CREATE TABLE effect (id INT)");
    CountDownLatch writerHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // the writer is held by a first piece, so that the next ones queue up and are taken as one batch (H2)
    Future<Void> holding = database.transaction(connection -> {
      writerHeld.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
    StoreActivity before = database.activity();
    Context caller = vertx.getOrCreateContext();
    Promise<List<String>> heard = Promise.promise();
    caller.runOnContext(queued -> {
      List<String> outcomes = new ArrayList<>();
      List<Future<Integer>> pieces = new ArrayList<>();
      for (int id = 1; id <= 6; id++) {
        int piece = id;
        pieces.add(database.transaction(connection -> {
          try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effect VALUES (?)")) {
            insert.setInt(1, piece);
            insert.executeUpdate();
          }
          if (piece % 3 == 0) {
            throw new IllegalStateException("piece " + piece + " fails after its insert");
          }
          return piece;
        }).onComplete(done -> outcomes.add((Vertx.currentContext() == caller ? "" : "elsewhere ")
            + piece + (done.succeeded() ? " ok" : " failed"))));
      }
      Future.join(pieces).onComplete(all -> heard.complete(outcomes));
      release.countDown(); // all six queued: the writer takes them together
    });
    Blocking.await(holding);
    List<String> outcomes = Blocking.await(heard.future());
    assertThat(outcomes).containsExactlyInAnyOrder("1 ok", "2 ok", "3 failed", "4 ok", "5 ok", "6 failed");
    if (store == TestStore.H2) {
      // one writer: the batch's callers hear in the order they asked (PostgreSQL's writers finish in any order)
      assertThat(outcomes).containsExactly("1 ok", "2 ok", "3 failed", "4 ok", "5 ok", "6 failed");
    }
    StoreActivity done = database.activity().since(before);
    assertThat(Blocking.await(database.queryTotals("SELECT id, COUNT(*) FROM effect GROUP BY id")).keySet())
        .containsExactlyInAnyOrder("1", "2", "4", "5");
    // the held piece and the six; H2 commits the six together, PostgreSQL each that succeeded on its own
    assertThat(done.transactions()).isEqualTo(7);
    assertThat(done.commits()).isEqualTo(store == TestStore.H2 ? 2 : 5);
    assertThat(done.writerCpuNanos()).isNotNegative();
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("the store's work is metered: pieces of work, commits (none for a piece rolled back), writers' CPU")
  void workIsMetered(TestStore store) {
    open(store);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new StoreMeters(database).bindTo(registry);
    double before = registry.get(StoreMeters.TRANSACTIONS).functionCounter().count();
    double commitsBefore = registry.get(StoreMeters.COMMITS).functionCounter().count();
    for (int i = 0; i < 5; i++) {
      Blocking.await(database.queryLong("SELECT 1"));
    }
    assertThat(Blocking.await(database.transaction(connection -> {
      throw new IllegalStateException("refused");
    }).transform(Future::succeededFuture)).failed()).isTrue();
    assertThat(registry.get(StoreMeters.TRANSACTIONS).functionCounter().count() - before).isEqualTo(6);
    assertThat(registry.get(StoreMeters.COMMITS).functionCounter().count() - commitsBefore).isEqualTo(5);
    assertThat(registry.get(StoreMeters.WRITER_CPU).functionCounter().count()).isNotNegative();
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("pieces asked in one turn of an event loop are handed over together: H2 runs them in the order asked"
      + " and commits them once, and every caller hears on its own context")
  void oneTurnIsOneHandOver(TestStore store) {
    open(store);
    StoreRows.execute(database, "CREATE TABLE effect (seq INT, id INT)");
    StoreActivity before = database.activity();
    ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
    Promise<List<String>> heard = Promise.promise();
    loop.runOnContext(turn -> {
      List<String> outcomes = new ArrayList<>();
      List<Future<Integer>> pieces = new ArrayList<>();
      for (int id = 1; id <= 8; id++) {
        int piece = id;
        ContextInternal caller = loop.duplicate(); // as a handler of a message asks: each on a duplicate of its own
        caller.dispatch(() -> pieces.add(database.transaction(connection -> insertNext(connection, piece) * piece)
            .onComplete(done -> outcomes.add((Vertx.currentContext() == caller ? "" : "elsewhere ") + piece))));
      }
      Future.join(pieces).onComplete(all -> heard.complete(outcomes));
    });
    List<String> outcomes = Blocking.await(heard.future());
    assertThat(outcomes).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
    StoreActivity done = database.activity().since(before);
    assertThat(done.transactions()).isEqualTo(8);
    if (store == TestStore.H2) {
      assertThat(outcomes).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
      java.util.Map<String, Long> idBySeq = Blocking.await(database.queryTotals("SELECT seq, id FROM effect"));
      assertThat(idBySeq).hasSize(8);
      idBySeq.forEach((seq, id) -> assertThat(id).as("the piece run as number %s", seq).isEqualTo(Long.parseLong(seq)));
      assertThat(done.commits()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a piece asked in the same turn as the store is closed still runs; one asked after fails UNAVAILABLE")
  void closeRunsWhatWasAskedBefore(TestStore store) {
    open(store);
    StoreRows.execute(database, "CREATE TABLE effect (id INT)");
    Promise<Future<Integer>> asked = Promise.promise();
    Promise<Future<Integer>> askedAfter = Promise.promise();
    vertx.getOrCreateContext().runOnContext(turn -> {
      Future<Integer> before = database.transaction(connection -> {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effect VALUES (1)")) {
          return insert.executeUpdate();
        }
      });
      database.close();
      asked.complete(before);
      askedAfter.complete(database.transaction(connection -> 1));
    });
    assertThat(Blocking.await(Blocking.await(asked.future()))).isEqualTo(1);
    Future<Integer> after = Blocking.await(askedAfter.future());
    Throwable refused = Blocking.await(after.transform(Future::succeededFuture)).cause();
    assertThat(refused).isInstanceOf(dev.switchboard.platform.OperationException.class);
    assertThat(((dev.switchboard.platform.OperationException) refused).code())
        .isEqualTo(dev.switchboard.platform.ErrorCode.UNAVAILABLE);
    Blocking.await(database.close());
    database = null;
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("a piece asked on a thread other than its context's own loop (a context dispatched elsewhere) is"
      + " handed over at once, and heard on its context")
  void pieceAskedOffItsLoopIsNotHeld(TestStore store) {
    open(store);
    VertxInternal internal = (VertxInternal) vertx;
    ContextInternal asking = internal.createEventLoopContext();
    ContextInternal elsewhere = internal.createEventLoopContext();
    for (int tries = 0; elsewhere.nettyEventLoop() == asking.nettyEventLoop() && tries < 64; tries++) {
      elsewhere = internal.createEventLoopContext(); // the loops are taken in turn
    }
    assertThat(elsewhere.nettyEventLoop()).isNotSameAs(asking.nettyEventLoop());
    ContextInternal onAnotherLoop = elsewhere;
    Promise<Future<Boolean>> asked = Promise.promise();
    onAnotherLoop.runOnContext(turn -> asking.dispatch(() -> asked.complete(
        database.queryLong("SELECT 1").map(one -> Vertx.currentContext() == asking))));
    // nothing else is asked on either loop: a piece held for a turn that never ends would never run
    assertThat(Blocking.await(Blocking.await(asked.future()), 10_000, () -> new IllegalStateException("the piece never ran"))).isTrue();
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestStore.class)
  @DisplayName("pieces asked on one thread run in the order asked, one held for the loop's turn and one handed over"
      + " at once alike")
  void oneThreadsPiecesKeepTheirOrder(TestStore store) {
    open(store);
    StoreRows.execute(database, "CREATE TABLE effect (seq INT, id INT)");
    VertxInternal internal = (VertxInternal) vertx;
    ContextInternal loop = internal.createEventLoopContext();
    ContextInternal other = internal.createEventLoopContext();
    for (int tries = 0; other.nettyEventLoop() == loop.nettyEventLoop() && tries < 64; tries++) {
      other = internal.createEventLoopContext();
    }
    ContextInternal foreign = other;
    Promise<List<Future<Integer>>> asked = Promise.promise();
    loop.runOnContext(turn -> {
      List<Future<Integer>> pieces = new ArrayList<>();
      pieces.add(database.transaction(connection -> insertNext(connection, 1))); // held for this turn
      foreign.dispatch(() -> pieces.add(database.transaction(connection -> insertNext(connection, 2)))); // at once
      pieces.add(database.transaction(connection -> insertNext(connection, 3))); // held again
      asked.complete(pieces);
    });
    Blocking.await(Future.all(Blocking.await(asked.future())));
    assertThat(Blocking.await(database.queryTotals("SELECT id, COUNT(*) FROM effect GROUP BY id")))
        .containsOnlyKeys("1", "2", "3");
    if (store == TestStore.H2) { // one writer; PostgreSQL's writers run pieces concurrently, in any order
      assertThat(Blocking.await(database.queryTotals("SELECT seq, id FROM effect")))
          .containsEntry("1", 1L).containsEntry("2", 2L).containsEntry("3", 3L);
    }
  }

  private static int insertNext(java.sql.Connection connection, int id) throws java.sql.SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO effect VALUES ((SELECT COUNT(*) FROM effect) + 1, ?)")) {
      insert.setInt(1, id);
      return insert.executeUpdate();
    }
  }
}
