package dev.switchboard.platform.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.platform.config.StoreSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The connection pool (HikariCP) of the store the settings name, opened with one connection made at
 * once, so that a wrong URL, a database that is not there or a refused login fails start-up within
 * {@code store.connectTimeoutMs} instead of the first piece of work.
 *
 * <ul>
 *   <li>PostgreSQL: {@code store.poolSize} connections for the writers, and one more for schema
 *       migrations; READ COMMITTED, as PostgreSQL defaults to.</li>
 *   <li>H2: two connections, one for the single writer and one for schema migrations, held for the
 *       life of the store (a file database closes when its last connection does).</li>
 * </ul>
 */
final class StorePool {

  private StorePool() {
  }

  /** Opens the pool, blocking until its first connection is made (or has failed); call it on a worker. */
  static HikariDataSource open(StoreSettings settings, String name) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setAutoCommit(false);
    config.setConnectionTimeout(settings.connectTimeoutMs());
    config.setInitializationFailTimeout(1); // one attempt at once: fail start-up, not the first work
    if (settings.postgres()) {
      config.setJdbcUrl(settings.url().orElseThrow());
      if (!settings.user().isEmpty()) {
        config.setUsername(settings.user());
      }
      if (!settings.password().isEmpty()) {
        config.setPassword(settings.password());
      }
      config.setMaximumPoolSize(settings.poolSize() + 1);
      config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
      long seconds = Math.max(1, (settings.connectTimeoutMs() + 999) / 1000);
      config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
      config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
      config.addDataSourceProperty("ApplicationName", "switchboard");
    } else {
      config.setJdbcUrl(settings.path().map(StorePool::h2FileUrl).orElse("jdbc:h2:mem:" + name
          + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256"));
      config.setMaximumPoolSize(2);
      config.setMinimumIdle(2);
      config.setMaxLifetime(0);
      config.setIdleTimeout(0);
    }
    return new HikariDataSource(config);
  }

  private static String h2FileUrl(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    // closed by Database.close(), after the transports, not by H2's own shutdown hook; commits are
    // written to the file before anyone is told (WRITE_DELAY=0)
    return "jdbc:h2:file:" + directory.resolve("switchboard")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256";
  }
}
