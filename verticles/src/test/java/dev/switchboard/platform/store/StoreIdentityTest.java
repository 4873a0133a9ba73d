package dev.switchboard.platform.store;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.testing.SharedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A store's id, made once and kept in the store")
class StoreIdentityTest {

  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private Vertx vertx;

  @TempDir
  Path directory;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("an H2 file store keeps its id across restarts; another H2 store, in memory or in files, has its own")
  void h2() {
    StoreSettings file = StoreSettings.from(Settings.of(Map.of("store.path", directory.resolve("a").toString())));
    String first = idOf(file);
    String again = idOf(file);
    String otherFile = idOf(StoreSettings.from(Settings.of(Map.of("store.path", directory.resolve("b").toString()))));
    String memory = idOf(StoreSettings.from(Settings.of(Map.of("store.path", ""))));
    String otherMemory = idOf(StoreSettings.from(Settings.of(Map.of("store.path", ""))));

    assertThat(first).matches(UUID).isEqualTo(again);
    assertThat(List.of(first, otherFile, memory, otherMemory)).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("processes opening one new PostgreSQL database at once all read one id, and so does a later one")
  void postgresOpenedAtOnce() {
    StoreSettings settings = StoreSettings.from(Settings.of(SharedPostgres.freshStore()));
    List<Future<Database>> opening = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      opening.add(Database.open(vertx, settings));
    }
    List<Database> stores = Blocking.await(Future.all(opening)).list();
    List<String> ids = stores.stream().map(Database::storeId).toList();
    Blocking.await(Future.all(stores.stream().map(Database::close).toList()));

    assertThat(ids).hasSize(4).allMatch(id -> id.matches(UUID)).containsOnly(ids.get(0));
    assertThat(idOf(settings)).isEqualTo(ids.get(0));
    Database store = Blocking.await(Database.open(vertx, settings));
    try {
      assertThat(Blocking.await(store.queryLong("SELECT COUNT(*) FROM sb_store"))).isEqualTo(1);
    } finally {
      Blocking.await(store.close());
    }
  }

  private String idOf(StoreSettings settings) {
    Database store = Blocking.await(Database.open(vertx, settings));
    try {
      return store.storeId();
    } finally {
      Blocking.await(store.close());
    }
  }
}
