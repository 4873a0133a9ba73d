package dev.switchboard.testing;

import dev.switchboard.experiment.LocalPostgres;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One throwaway PostgreSQL cluster for the whole test run, from the machine's own binaries (Debian's
 * {@code /usr/lib/postgresql/<version>/bin}) through {@link LocalPostgres}, with durability traded
 * for speed, stopped and deleted when the test JVM exits. Each test
 * (or test class) takes a fresh database of its own with {@link #freshStore()}, so tests never see
 * each other's rows.
 *
 * <p>CI installs the binaries ({@code apt-get install -y postgresql}) and sets
 * {@code SWITCHBOARD_REQUIRE_POSTGRES=1}, so there missing binaries fail the tests; elsewhere the
 * PostgreSQL tests are skipped with a note saying how to install them.
 */
public final class SharedPostgres {

  private static final String USER = LocalPostgres.USER;
  /** Speed over durability: a test database never outlives its test run. */
  private static final List<String> TEST_SETTINGS = List.of("fsync=off", "synchronous_commit=off",
      "full_page_writes=off", "max_connections=300");
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static LocalPostgres cluster;

  private SharedPostgres() {
  }

  /** Whether the PostgreSQL binaries are on this machine. */
  public static boolean installed() {
    return LocalPostgres.installed();
  }

  /** Skips the calling test where PostgreSQL is not installed, or fails it if CI requires PostgreSQL. */
  public static void requireInstalled() {
    boolean installed = installed();
    if (!installed && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_POSTGRES"))) {
      throw new AssertionError("PostgreSQL is required: no /usr/lib/postgresql/*/bin/initdb (apt-get install -y "
          + "postgresql)");
    }
    Assumptions.assumeTrue(installed, "PostgreSQL is not installed (apt-get install -y postgresql, which provides "
        + "/usr/lib/postgresql/*/bin/initdb); PostgreSQL test skipped");
  }

  /**
   * The settings of a store in a fresh, empty database of the shared cluster ({@code store.url},
   * {@code store.user}); skips the test where PostgreSQL is not installed.
   */
  public static Map<String, String> freshStore() {
    return Map.of("store.url", freshDatabase(), "store.user", USER, "store.poolSize", "4");
  }

  /** The JDBC URL of a fresh, empty database of the shared cluster; skips the test where PostgreSQL is not installed. */
  public static String freshDatabase() {
    requireInstalled();
    return cluster().createDatabase("sb_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
  }

  private static synchronized LocalPostgres cluster() {
    if (cluster == null) {
      try {
        cluster = LocalPostgres.start(TEST_SETTINGS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      System.err.printf("shared PostgreSQL on 127.0.0.1:%d started in %d ms%n", cluster.port(), cluster.startMillis());
      LocalPostgres stopping = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "shared-postgres-stop"));
    }
    return cluster;
  }
}
