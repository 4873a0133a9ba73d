package dev.switchboard.platform.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the durable state lives: saga instances, the processed-message records and the services'
 * own state. By default an embedded H2 database, so that nothing has to be started by hand: in a
 * directory ({@code store.path}) it survives a restart or a killed process; with no path it is in
 * memory and goes with the process (the demo, most tests). With {@code store.url} it is a PostgreSQL
 * database instead (then {@code store.path} is not used), reached through a pool of
 * {@code store.poolSize} connections.
 *
 * @param path                 the directory of the H2 files, or empty for memory (H2 only)
 * @param url                  {@code store.url}: a PostgreSQL JDBC URL, or empty for the embedded H2
 * @param user                 {@code store.user}: the PostgreSQL user (empty: the driver's default)
 * @param password             {@code store.password}: masked in {@link #toString()} and in every message
 * @param poolSize             {@code store.poolSize}: connections (and writers) to PostgreSQL
 * @param connectTimeoutMs     {@code store.connectTimeoutMs}: how long opening or borrowing a
 *                             connection may take before start-up (or the work) fails
 * @param processedRetentionMs how long a processed-message record is kept: a redelivery older than
 *                             that would run again ({@code store.processedRetentionHours}, default 7 days)
 */
public record StoreSettings(Optional<Path> path, Optional<String> url, String user, String password, int poolSize,
                            long connectTimeoutMs, long processedRetentionMs) {

  public static final String PATH = "store.path";
  public static final String URL = "store.url";
  public static final String USER = "store.user";
  public static final String PASSWORD = "store.password";
  public static final String POOL_SIZE = "store.poolSize";
  public static final String CONNECT_TIMEOUT = "store.connectTimeoutMs";
  public static final String RETENTION = "store.processedRetentionHours";
  public static final java.util.Set<String> KEYS = java.util.Set.of(PATH, URL, USER, PASSWORD, POOL_SIZE,
      CONNECT_TIMEOUT, RETENTION);

  private static final String MASK = "*****";
  /** {@code jdbc:postgresql://host[:port][,host[:port]…]/database[?parameters]}. */
  private static final Pattern POSTGRES_URL = Pattern.compile("jdbc:postgresql://[^/?\\s]+/[^/?\\s]+(\\?\\S*)?");
  /** A password given in the URL's parameters. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  public static StoreSettings from(Settings settings) {
    long retention = settings.getLong(RETENTION, 168, 1, 24L * 365 * 10) * 3_600_000;
    int poolSize = settings.getInt(POOL_SIZE, 10, 1, 200);
    long connectTimeoutMs = settings.getLong(CONNECT_TIMEOUT, 10_000, 250, 600_000);
    String user = settings.getString(USER, "").trim();
    String password = settings.getString(PASSWORD, "");
    String url = settings.getString(URL, "").trim();
    if (!url.isEmpty()) {
      if (!POSTGRES_URL.matcher(url).matches()) {
        throw new ConfigException(URL, masked(url), "a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database "
            + "(parameters after '?' allowed), or empty for the embedded H2 store");
      }
      return new StoreSettings(Optional.empty(), Optional.of(url), user, password, poolSize, connectTimeoutMs,
          retention);
    }
    String value = settings.getString(PATH, "").trim();
    if (value.isEmpty()) {
      return new StoreSettings(Optional.empty(), Optional.empty(), user, password, poolSize, connectTimeoutMs,
          retention);
    }
    try {
      return new StoreSettings(Optional.of(Path.of(value).toAbsolutePath().normalize()), Optional.empty(), user,
          password, poolSize, connectTimeoutMs, retention);
    } catch (InvalidPathException invalid) {
      throw new ConfigException(PATH, value, "a directory path, or empty for an in-memory store ("
          + invalid.getReason() + ")");
    }
  }

  /** Whether the store is a PostgreSQL database ({@code store.url} is set). */
  public boolean postgres() {
    return url.isPresent();
  }

  /** The key and value that name the store, for messages: {@code store.url jdbc:…} or {@code store.path …}. */
  public String setting() {
    if (url.isPresent()) {
      return URL + " " + masked(url.get());
    }
    return PATH + " " + path.map(Path::toString).orElse("(empty: in memory)");
  }

  public String describe() {
    if (url.isPresent()) {
      return "PostgreSQL database " + masked(url.get()) + (user.isEmpty() ? "" : " as " + user)
          + ", pool of " + poolSize;
    }
    return path.map(dir -> "H2 database in " + dir).orElse("in-memory H2 database (not durable)");
  }

  /** The URL with any password among its parameters masked. */
  static String masked(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1" + MASK);
  }

  @Override
  public String toString() {
    return "StoreSettings[path=" + path.map(Path::toString).orElse("") + ", url=" + url.map(StoreSettings::masked)
        .orElse("") + ", user=" + user + ", password=" + (password.isEmpty() ? "(not set)" : MASK) + ", poolSize="
        + poolSize + ", connectTimeoutMs=" + connectTimeoutMs + ", processedRetentionMs=" + processedRetentionMs + "]";
  }
}
