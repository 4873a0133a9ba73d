package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Reads a node's store directly, to check what was (not) stored. */
public final class StoreRows {

  private StoreRows() {
  }

  /** Runs statements of a test's own (a table of its effects, …) in one transaction. */
  public static void execute(Database database, String... statements) {
    Blocking.await(database.transaction(connection -> {
      try (java.sql.Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
      return null;
    }));
  }

  /** The number of rows of a platform or service table ({@code sb_saga}, {@code orders_order}, …). */
  public static long count(SwitchboardNode node, String table) {
    Long count = Blocking.await(node.switchboard().store().transaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
           ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }));
    return count;
  }
}
