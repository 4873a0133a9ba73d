package dev.switchboard.checkout;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.platform.saga.SagaStore;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An H2 store written by a version that created its tables at start-up (no migration history) opens:
 * it is baselined, what it has is kept, what it lacks is added, and later migrations run over it.
 */
@DisplayName("A store made by an earlier version opens with its data")
class EarlierStoreTest {

  private Vertx vertx;
  private Database database;

  @AfterEach
  void close() {
    if (database != null) {
      Blocking.await(database.close());
    }
    if (vertx != null) {
      Blocking.await(vertx.close());
    }
  }

  @Test
  @DisplayName("tables created at start-up by an earlier version: data kept, missing tables and columns added, refunds carried over")
  void earlierStoreOpens(@TempDir Path directory) throws Exception {
    // as the version before the sweeper created them (sb_saga without redrives), with no outbox yet
    try (Connection earlier = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("switchboard"));
         Statement ddl = earlier.createStatement()) {
      ddl.execute("CREATE TABLE sb_processed (consumer VARCHAR(200) NOT NULL, message_id VARCHAR(500) NOT NULL, "
          + "result VARBINARY, processed_at_ms BIGINT NOT NULL, PRIMARY KEY (consumer, message_id))");
      ddl.execute("CREATE TABLE sb_saga (saga_id VARCHAR(200) PRIMARY KEY, saga VARCHAR(100) NOT NULL, "
          + "status VARCHAR(20) NOT NULL, step INT NOT NULL, attempt INT NOT NULL, data VARBINARY NOT NULL, "
          + "reason VARCHAR NOT NULL, correlation_id VARCHAR(200) NOT NULL, started_at_ms BIGINT NOT NULL, "
          + "updated_at_ms BIGINT NOT NULL, version BIGINT NOT NULL, open BOOLEAN NOT NULL)");
      ddl.execute("INSERT INTO sb_saga VALUES ('o-1', 'checkout', 'RUNNING', 1, 0, X'00', '', 'c-1', 1, 2, 3, TRUE)");
      ddl.execute("CREATE TABLE inventory_stock (sku VARCHAR(100) PRIMARY KEY, available BIGINT NOT NULL, "
          + "reserved BIGINT NOT NULL)");
      ddl.execute("INSERT INTO inventory_stock VALUES ('SKU-OLD', 7, 2)");
      ddl.execute("CREATE TABLE payment_charge (payment_id VARCHAR(100) PRIMARY KEY, order_id VARCHAR(100) NOT NULL, "
          + "amount_cents BIGINT NOT NULL, refunded BOOLEAN NOT NULL)");
      ddl.execute("INSERT INTO payment_charge VALUES ('p-1', 'o-1', 500, TRUE)");
      ddl.execute("CREATE TABLE payment_refund (order_id VARCHAR(100) PRIMARY KEY)");
      ddl.execute("INSERT INTO payment_refund VALUES ('o-1')");
    }

    vertx = Vertx.vertx();
    database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(Map.of(
        "store.path", directory.toString())))));
    Blocking.await(database.migrate(CheckoutApplication.SCHEMA));

    var saga = Blocking.await(new SagaStore(database, "test", 15_000).load("o-1")).orElseThrow();
    assertThat(saga.version()).isEqualTo(3);
    assertThat(saga.redrives()).as("the column added, with its default").isZero();
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM sb_outbox"))).as("a table added").isZero();
    assertThat(Blocking.await(new StockLedger(database).level("SKU-OLD")).getAvailable()).isEqualTo(7);
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM payment_order WHERE refunded")))
        .as("the refund carried over").isEqualTo(1);
    assertThat(Blocking.await(new PaymentLedger(database, 10_000).capturedCents())).isZero();
    assertThat(Blocking.await(database.queryLong("SELECT COUNT(*) FROM order_view"))).isZero();
  }
}
