package dev.switchboard.platform.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done inside one transaction of the {@link Database}, on one of its writer threads (never an
 * event loop). On PostgreSQL a transaction aborted for a conflict with another is run again: the work
 * does SQL on the connection it is given and nothing else that a second run would repeat.
 */
@FunctionalInterface
public interface SqlWork<T> {

  T apply(Connection connection) throws SQLException;
}
