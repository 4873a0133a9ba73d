package dev.switchboard.platform.store;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Processed-message records")
class ProcessedMessagesTest {

  private Vertx vertx;
  private Database database;
  private ProcessedMessages processed;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(Map.of("store.path", "")))));
    processed = Blocking.await(ProcessedMessages.create(database));
  }

  @AfterEach
  void close() {
    Blocking.await(database.close());
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("a second record of the same message is refused by the primary key, and its transaction rolls back")
  void secondRecordIsRefused() {
    Blocking.await(processed.complete("payment.charge", "m-1", null));
    Blocking.await(database.createTables("CREATE TABLE effect (id INT)"));
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

  @Test
  @DisplayName("old records are purged in chunks, every one of them, and the young ones stay")
  void purgeInChunks() {
    int old = ProcessedMessages.PURGE_CHUNK * 2 + 500;
    Blocking.await(database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sb_processed (consumer, message_id, result, processed_at_ms) VALUES (?, ?, NULL, ?)")) {
        for (int i = 0; i < old + 10; i++) {
          insert.setString(1, "c");
          insert.setString(2, "m-" + i);
          insert.setLong(3, i < old ? 1_000 : System.currentTimeMillis());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return null;
    }));

    assertThat(Blocking.await(processed.purge(60_000))).isEqualTo(old);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_processed"))).isEqualTo(10);
  }
}
