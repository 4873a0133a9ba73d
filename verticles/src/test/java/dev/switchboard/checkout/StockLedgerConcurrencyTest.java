package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes' stores on one PostgreSQL database — two {@link Database}s, each with its own pool
 * and writers — reserve the same stock at once: the conditional update lets exactly the stock there is
 * be reserved, never more.
 */
@DisplayName("Two stores on one PostgreSQL reserving the same stock concurrently never oversell")
class StockLedgerConcurrencyTest {

  private static final String HOT = "SKU-HOT";
  private static final String COLD = "SKU-COLD";
  private static final long STOCK = 100;
  private static final int ORDERS_PER_STORE = 150;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<Database> databases = new ArrayList<>();

  @AfterEach
  void close() {
    databases.forEach(database -> Blocking.await(database.close()));
    vertxes.forEach(vertx -> Blocking.await(vertx.close()));
  }

  private Database open(String url) {
    Vertx vertx = Vertx.vertx();
    vertxes.add(vertx);
    Database database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(Map.of(
        "store.url", url, "store.user", "postgres", "store.poolSize", "8")))));
    databases.add(database);
    Blocking.await(database.migrate(CheckoutApplication.SCHEMA));
    return database;
  }

  @Test
  @DisplayName("300 orders of one unit (some with a second SKU) from two stores against 100 in stock: 100 reserved, stock 0")
  void neverOversell() {
    String url = SharedPostgres.freshDatabase();
    Database first = open(url);
    Database second = open(url);
    // both seed: the second finds the SKUs there and adds nothing
    Blocking.await(new StockLedger(first).seed(Map.of(HOT, STOCK, COLD, 1_000L)));
    Blocking.await(new StockLedger(second).seed(Map.of(HOT, STOCK, COLD, 1_000L)));

    List<Future<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < ORDERS_PER_STORE; i++) {
      attempts.add(reserve(first, "first-" + i, i));
      attempts.add(reserve(second, "second-" + i, i));
    }
    List<Boolean> reserved = Blocking.await(Future.all(attempts)).list();

    assertThat(reserved.stream().filter(Boolean::booleanValue).count()).as("orders reserved").isEqualTo(STOCK);
    StockLedger ledger = new StockLedger(first);
    assertThat(Blocking.await(ledger.level(HOT)).getAvailable()).isZero();
    assertThat(Blocking.await(ledger.level(HOT)).getReserved()).isEqualTo(STOCK);
    long coldReserved = Blocking.await(ledger.level(COLD)).getReserved();
    assertThat(Blocking.await(ledger.level(COLD)).getAvailable()).isEqualTo(1_000 - coldReserved);
    assertThat(Blocking.await(first.queryLong("SELECT COUNT(*) FROM inventory_order"))).isEqualTo(STOCK);
    assertThat(Blocking.await(first.queryLong("SELECT COALESCE(SUM(units), 0) FROM inventory_reservation "
        + "WHERE sku = '" + COLD + "'"))).as("the second SKU is reserved only with the first").isEqualTo(coldReserved);
  }

  /** Reserves one HOT (and, for every third order, one COLD, listed first): true if reserved, false if out of stock. */
  private static Future<Boolean> reserve(Database store, String orderId, int i) {
    StockLedger ledger = new StockLedger(store);
    List<LineItem> items = new ArrayList<>();
    if (i % 3 == 0) {
      items.add(LineItem.newBuilder().setSku(COLD).setQuantity(1).setUnitPriceCents(1).build());
    }
    items.add(LineItem.newBuilder().setSku(HOT).setQuantity(1).setUnitPriceCents(1).build());
    return store.transaction(connection -> ledger.reserve(connection, orderId, items)).map(true)
        .recover(failure -> failure instanceof OperationException refused
            && refused.code() == ErrorCode.FAILED_PRECONDITION ? Future.succeededFuture(false)
            : Future.failedFuture(failure));
  }
}
