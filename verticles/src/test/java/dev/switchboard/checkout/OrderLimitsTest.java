package dev.switchboard.checkout;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.TextLimit;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.StoreSettings;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The limits of outside values fit the store's columns")
class OrderLimitsTest {

  private Vertx vertx;
  private Database database;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    database = Blocking.await(Database.open(vertx, StoreSettings.from(Settings.of(Map.of()))));
    Blocking.await(database.migrate(CheckoutApplication.SCHEMA));
  }

  @AfterEach
  void close() {
    Blocking.await(database.close());
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("every text limit is at most the size of the column its value is stored in")
  void limitsFitColumns() {
    assertFits(CallContext.CORRELATION_ID, "SB_SAGA", "CORRELATION_ID");
    assertFits(OrderLimits.IDEMPOTENCY_KEY, "ORDERS_ORDER", "IDEMPOTENCY_KEY");
    assertFits(OrderLimits.ORDER_ID, "ORDERS_ORDER", "ORDER_ID");
    assertFits(OrderLimits.SKU, "INVENTORY_STOCK", "SKU");
    assertFits(OrderLimits.SKU, "INVENTORY_RESERVATION", "SKU");
  }

  @Test
  @DisplayName("the largest order the limits allow has a total that fits a long")
  void largestOrderFits() {
    assertThat(Math.multiplyHigh((long) OrderLimits.MAX_ITEMS * OrderLimits.MAX_QUANTITY,
        OrderLimits.MAX_UNIT_PRICE_CENTS)).isZero();
    assertThat(OrderLimits.MAX_TOTAL_CENTS).isLessThan(Long.MAX_VALUE);
  }

  private void assertFits(TextLimit limit, String table, String column) {
    long size = Blocking.await(database.transaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT CHARACTER_MAXIMUM_LENGTH FROM "
          + "INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ? AND COLUMN_NAME = ?")) {
        select.setString(1, table);
        select.setString(2, column);
        try (ResultSet rows = select.executeQuery()) {
          assertThat(rows.next()).as(table + "." + column + " exists").isTrue();
          return rows.getLong(1);
        }
      }
    }));
    assertThat((long) limit.maxLength()).as(limit + " in " + table + "." + column + " of " + size).isLessThanOrEqualTo(size);
  }
}
