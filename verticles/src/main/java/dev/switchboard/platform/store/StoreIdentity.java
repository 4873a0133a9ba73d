package dev.switchboard.platform.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The id of a store (table {@code sb_store}, migration V3): a random UUID made once, when a process of
 * this version first opens the store, and kept in the store itself. Every process on one PostgreSQL
 * database reads the same id; an embedded H2 store, one per process, has its own (an H2 file store
 * keeps it across restarts, a memory one gets a new one at each start). Two processes that open a new
 * PostgreSQL database at once still end with one id: the table admits one row, the second insert fails
 * on its key and that process reads the row of the first.
 */
final class StoreIdentity {

  private static final int MAX_ATTEMPTS = 3;

  private StoreIdentity() {
  }

  /** The store's id, made now if it has none; blocking (call it on a worker). */
  static String readOrCreate(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (int attempt = 1; ; attempt++) {
        try {
          String id = read(connection);
          if (id == null) {
            id = UUID.randomUUID().toString();
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sb_store (singleton, store_id, created_at_ms) VALUES (1, ?, ?)")) {
              insert.setString(1, id);
              insert.setLong(2, System.currentTimeMillis());
              insert.executeUpdate();
            }
          }
          connection.commit();
          return id;
        } catch (SQLException failure) {
          connection.rollback();
          // another process inserted its row first (it waited for that one's commit): read that one
          if (!Database.isUniqueViolation(failure) || attempt >= MAX_ATTEMPTS) {
            throw failure;
          }
        }
      }
    }
  }

  private static String read(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT store_id FROM sb_store WHERE singleton = 1");
         ResultSet row = select.executeQuery()) {
      return row.next() ? row.getString(1) : null;
    }
  }
}
