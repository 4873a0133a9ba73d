package dev.switchboard.platform.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The savepoint before each piece of work of a group commit ({@link Database}, H2), as two statements
 * prepared once per connection and executed again for every piece. H2 keeps a parsed statement in its
 * query cache for queries and data changes only: {@link Connection#setSavepoint(String)} and
 * {@link Connection#rollback(java.sql.Savepoint)} had their SQL parsed anew at every call, about 6% of
 * the store writer's time in the all-rpc checkout. One name, set again for every piece: H2 replaces a
 * savepoint of the same name, so the newest one is the one rolled back to; a commit ends them all.
 *
 * <p>The statements are prepared on the pool's physical connection (the pool would close them with
 * each borrowed proxy) and live as long as it does; the pool of an H2 store never retires a connection.
 */
final class PieceSavepoints {

  private static final String NAME = "sb_piece";

  private record Statements(PreparedStatement set, PreparedStatement rollBack) {
  }

  /** Per physical connection (by identity): the store's few, kept as long as the store is open. */
  private final Map<Connection, Statements> prepared = Collections.synchronizedMap(new IdentityHashMap<>());

  /** Sets the savepoint on the connection (borrowed from the pool), before a piece of work. */
  void set(Connection connection) throws SQLException {
    statements(connection).set().executeUpdate();
  }

  /** Rolls the connection back to the savepoint set before the current piece: that piece's changes only. */
  void rollBack(Connection connection) throws SQLException {
    statements(connection).rollBack().executeUpdate();
  }

  private Statements statements(Connection connection) throws SQLException {
    Connection physical = connection.unwrap(Connection.class);
    Statements statements = prepared.get(physical);
    if (statements == null || statements.set().isClosed()) {
      statements = new Statements(physical.prepareStatement("SAVEPOINT " + NAME),
          physical.prepareStatement("ROLLBACK TO SAVEPOINT " + NAME));
      prepared.put(physical, statements);
    }
    return statements;
  }
}
