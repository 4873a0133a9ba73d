package dev.switchboard.platform.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/**
 * One history of schema migrations, run by Flyway: the SQL files under a classpath location
 * ({@code db/platform/V1__….sql}, …), applied in order, each once, recorded in a history table of
 * its own. The platform has its history and each application its own, in the same database, so
 * that the platform never knows the application's tables.
 *
 * <p>A store made by an earlier version (tables created at start-up, no history yet) is baselined at
 * version 0 and then migrated from version 1, whose {@code CREATE TABLE IF NOT EXISTS} statements keep
 * what it has and add what it lacks. The same happens for a history that finds another's tables.
 *
 * @param location the classpath folder of the migrations, e.g. {@code db/platform}
 * @param history  the table recording which of them ran, e.g. {@code sb_schema_history}
 */
public record SchemaMigrations(String location, String history) {

  private static final Logger LOGGER = LoggerFactory.getLogger(SchemaMigrations.class);

  /** The platform's own tables: processed messages, outbox, dead letters, sagas. */
  public static final SchemaMigrations PLATFORM = new SchemaMigrations("db/platform", "sb_schema_history");

  /** Brings the database to the latest version of this history; blocking (call it on a worker). */
  void migrate(DataSource dataSource) {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:" + location)
        .table(history)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("baseline: the schema had tables before this history began")
        .validateOnMigrate(true)
        .load();
    MigrateResult result = flyway.migrate();
    if (result.migrationsExecuted > 0) {
      LOGGER.info("store schema {}: {} migration(s) applied, now at version {}", location, result.migrationsExecuted,
          result.targetSchemaVersion);
    } else {
      LOGGER.debug("store schema {}: up to date at version {}", location, result.initialSchemaVersion);
    }
  }
}
