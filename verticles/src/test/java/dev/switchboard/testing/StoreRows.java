package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Reads a node's store directly, to check what was (not) stored. */
public final class StoreRows {

  private StoreRows() {
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
