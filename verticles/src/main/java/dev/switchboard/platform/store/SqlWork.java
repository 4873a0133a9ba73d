package dev.switchboard.platform.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done inside one transaction of the {@link Database}, on its own thread (never an event loop). */
@FunctionalInterface
public interface SqlWork<T> {

  T apply(Connection connection) throws SQLException;
}
