package dev.switchboard.platform.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.concurrent.ThreadLocalRandom;

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
 * @param location   the classpath folder of the migrations, e.g. {@code db/platform}
 * @param history    the table recording which of them ran, e.g. {@code sb_schema_history}
 * @param h2Location a folder of migrations only the embedded H2 store takes (what suits its engine
 *                   alone), or null: its versions are numbers of the same sequence as {@code location}'s,
 *                   never one that {@code location} uses
 */
public record SchemaMigrations(String location, String history, String h2Location) {

  private static final Logger LOGGER = LoggerFactory.getLogger(SchemaMigrations.class);

  /** The platform's own tables: processed messages, outbox, dead letters, sagas. */
  public static final SchemaMigrations PLATFORM =
      new SchemaMigrations("db/platform", "sb_schema_history", "db/platform-h2");

  /** Migrations every store takes alike. */
  public SchemaMigrations(String location, String history) {
    this(location, history, null);
  }

  /** How often a migration that lost a race with another process's is tried again. */
  private static final int ATTEMPTS = 5;

  /**
   * Brings the database to the latest version of this history; blocking (call it on a worker).
   * Replicas may open a new database at the same moment: Flyway locks the history once it exists,
   * but two processes can both see it missing, and the one that finds the other's table still empty
   * refuses to baseline it. That is a lost race, not a broken schema: the migration runs again after
   * a short random pause, when the other process has written its history.
   */
  void migrate(DataSource dataSource, boolean postgres) {
    for (int attempt = 1; ; attempt++) {
      try {
        migrateOnce(dataSource, postgres);
        return;
      } catch (FlywayException lostRace) {
        if (attempt >= ATTEMPTS) {
          throw lostRace;
        }
        LOGGER.info("store schema {}: migration attempt {} failed ({}); another process may be migrating the same"
            + " database, trying again", location, attempt, lostRace.getMessage());
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(100, 400) * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw lostRace;
        }
      }
    }
  }

  private void migrateOnce(DataSource dataSource, boolean postgres) {
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .locations(postgres || h2Location == null ? new String[] {"classpath:" + location}
            : new String[] {"classpath:" + location, "classpath:" + h2Location})
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
