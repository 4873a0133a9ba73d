package dev.switchboard.platform.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the durable state lives: saga instances, the processed-message records and the services'
 * own state. An embedded H2 database, so that nothing has to be started by hand: in a directory
 * ({@code store.path}) it survives a restart or a killed process; with no path it is in memory and
 * goes with the process (the demo, most tests).
 *
 * @param path                the directory of the database files, or empty for memory
 * @param processedRetentionMs how long a processed-message record is kept: a redelivery older than
 *                            that would run again ({@code store.processedRetentionHours}, default 7 days)
 */
public record StoreSettings(Optional<Path> path, long processedRetentionMs) {

  public static StoreSettings from(Settings settings) {
    long retention = settings.getLong("store.processedRetentionHours", 168, 1, 24L * 365 * 10) * 3_600_000;
    String value = settings.getString("store.path", "").trim();
    if (value.isEmpty()) {
      return new StoreSettings(Optional.empty(), retention);
    }
    try {
      return new StoreSettings(Optional.of(Path.of(value).toAbsolutePath().normalize()), retention);
    } catch (InvalidPathException invalid) {
      throw new ConfigException("store.path", value, "a directory path, or empty for an in-memory store ("
          + invalid.getReason() + ")");
    }
  }

  public String describe() {
    return path.map(dir -> "H2 database in " + dir).orElse("in-memory H2 database (not durable)");
  }
}
