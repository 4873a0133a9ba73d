package dev.switchboard.platform.saga;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.platform.store.Database;
import dev.switchboard.testing.SharedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two replicas' saga stores on one PostgreSQL database: who may resume, sweep and change which saga.
 * Each replica is a store of its own (its own pool and writers), as in two processes.
 */
@DisplayName("Saga leases between replicas on one PostgreSQL")
class SagaLeasesTest {

  private static final long LEASE_MS = 60_000;

  private final Vertx vertx = Vertx.vertx();
  private final List<Database> databases = new ArrayList<>();

  @AfterEach
  void close() {
    databases.forEach(database -> Blocking.await(database.close()));
    Blocking.await(vertx.close());
  }

  private SagaStore replica(String url, String instance, long leaseMs) {
    Database database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(Map.of(
        "store.url", url, "store.user", "postgres", "store.poolSize", "4")))));
    databases.add(database);
    return new SagaStore(database, instance, leaseMs);
  }

  private static SagaRecord saga(String id, long at) {
    return SagaRecord.start(id, "checkout", new byte[] {1}, "cid-" + id, at);
  }

  @Test
  @DisplayName("a replica starting up resumes its own sagas and expired ones, never a live replica's")
  void startUpResumesOwnAndExpiredOnly() {
    String url = SharedPostgres.freshDatabase();
    SagaStore a = replica(url, "replica-a", LEASE_MS);
    SagaStore b = replica(url, "replica-b", LEASE_MS);
    long now = System.currentTimeMillis();
    assertThat(Blocking.await(a.create(saga("live-on-a", now)))).isTrue();
    assertThat(Blocking.await(b.create(saga("b-before-restart", now)))).isTrue();
    assertThat(Blocking.await(a.create(saga("expired-on-a", now - 2 * LEASE_MS)))).isTrue();

    List<SagaRecord> resumed = Blocking.await(b.claimUnfinished());

    assertThat(resumed).extracting(SagaRecord::sagaId).containsExactlyInAnyOrder("b-before-restart", "expired-on-a");
    assertThat(Blocking.await(a.claimStalled(100))).as("what b claimed is b's for a lease")
        .extracting(SagaRecord::sagaId).doesNotContain("expired-on-a");
  }

  @Test
  @DisplayName("two replicas sweeping at once claim each stalled saga once between them")
  void concurrentSweepsClaimEachSagaOnce() {
    String url = SharedPostgres.freshDatabase();
    SagaStore a = replica(url, "replica-a", LEASE_MS);
    SagaStore b = replica(url, "replica-b", LEASE_MS);
    long longAgo = System.currentTimeMillis() - 2 * LEASE_MS;
    List<Future<Boolean>> created = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      created.add(a.create(saga("stalled-" + i, longAgo)));
    }
    Blocking.await(Future.all(created));

    List<Future<List<SagaRecord>>> sweeps = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      sweeps.add(a.claimStalled(25));
      sweeps.add(b.claimStalled(25));
    }
    Blocking.await(Future.join(sweeps));

    List<String> claimed = new ArrayList<>();
    sweeps.forEach(sweep -> sweep.result().forEach(record -> claimed.add(record.sagaId())));
    assertThat(claimed).doesNotHaveDuplicates().hasSize(200);
    assertThat(Blocking.await(a.claimStalled(500))).as("claimed sagas are leased").isEmpty();
  }

  @Test
  @DisplayName("a change based on an older version is refused: the replica that stored first wins")
  void staleChangeIsRefused() {
    String url = SharedPostgres.freshDatabase();
    SagaStore a = replica(url, "replica-a", LEASE_MS);
    SagaStore b = replica(url, "replica-b", LEASE_MS);
    long now = System.currentTimeMillis();
    Blocking.await(a.create(saga("raced", now)));
    SagaRecord seenByA = Blocking.await(a.load("raced")).orElseThrow();
    SagaRecord seenByB = Blocking.await(b.load("raced")).orElseThrow();

    Blocking.await(b.update(seenByB.advance(SagaStatus.RUNNING, 1, 0, seenByB.data(), "", now + 1)));

    assertThatThrownBy(() -> Blocking.await(a.update(seenByA.advance(SagaStatus.RUNNING, 1, 0, seenByA.data(), "",
        now + 2)))).isInstanceOf(SagaChangedException.class).hasMessageContaining("raced");
    Set<Integer> steps = new HashSet<>();
    steps.add(Blocking.await(a.load("raced")).orElseThrow().step());
    assertThat(steps).containsExactly(1);
    assertThat(Blocking.await(a.create(saga("raced", now)))).as("created once: the key decides").isFalse();
  }

  @Test
  @DisplayName("steps of a saga within one grain of its lease store the same end")
  void leaseEndsOnAGrain() {
    String url = SharedPostgres.freshDatabase();
    SagaStore a = replica(url, "replica-a", LEASE_MS);
    long now = System.currentTimeMillis();
    long grainStart = now - now % 1_000; // a grain is (grainStart, grainStart + 1000]
    Blocking.await(a.create(saga("stepping", grainStart + 1)));
    SagaRecord created = Blocking.await(a.load("stepping")).orElseThrow();
    long leasedAtCreation = storedLeaseEnd("stepping");
    Blocking.await(a.update(created.advance(SagaStatus.RUNNING, 1, 0, created.data(), "", grainStart + 1_000)));
    assertThat(storedLeaseEnd("stepping"))
        .as("a step later in the same grain keeps the lease's end").isEqualTo(leasedAtCreation)
        .isEqualTo(grainStart + 1_000 + LEASE_MS);
  }

  private long storedLeaseEnd(String sagaId) {
    return Blocking.await(databases.get(0).queryLong(
        "SELECT lease_until_ms FROM sb_saga WHERE saga_id = '" + sagaId + "'"));
  }
}
