package dev.switchboard.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL cluster for the whole test run, from the machine's own binaries (Debian's
 * {@code /usr/lib/postgresql/<version>/bin}): {@code initdb} into a temporary directory (as the
 * {@code postgres} user when the tests run as root: initdb refuses root), {@code pg_ctl} on a free
 * loopback port with trust authentication, stopped and deleted when the test JVM exits. Each test
 * (or test class) takes a fresh database of its own with {@link #freshStore()}, so tests never see
 * each other's rows.
 *
 * <p>CI installs the binaries ({@code apt-get install -y postgresql}) and sets
 * {@code SWITCHBOARD_REQUIRE_POSTGRES=1}, so there missing binaries fail the tests; elsewhere the
 * PostgreSQL tests are skipped with a note saying how to install them.
 */
public final class SharedPostgres {

  private static final String USER = "postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Cluster cluster;

  /** A running cluster: where its files are, its port, and how to run its binaries. */
  private record Cluster(Path directory, int port, Path bin, boolean asPostgresUser) {

    String url(String database) {
      return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }
  }

  private SharedPostgres() {
  }

  /** Whether the PostgreSQL binaries are on this machine. */
  public static boolean installed() {
    return binaries().isPresent();
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
    Cluster running = cluster();
    String name = "sb_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(running.url("postgres"), USER, "");
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return running.url(name);
  }

  private static synchronized Cluster cluster() {
    if (cluster == null) {
      long started = System.nanoTime();
      try {
        cluster = start(binaries().orElseThrow());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      System.err.printf("shared PostgreSQL on 127.0.0.1:%d started in %d ms%n", cluster.port(),
          (System.nanoTime() - started) / 1_000_000);
      Cluster stopping = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(stopping), "shared-postgres-stop"));
    }
    return cluster;
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} holding {@code initdb}. */
  private static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
          .max(Comparator.comparingInt(SharedPostgres::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Cluster start(Path bin) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path directory = Files.createTempDirectory("switchboard-postgres-");
    Path data = directory.resolve("data");
    if (root) {
      run(List.of("chown", USER, directory.toString()), false, directory);
    }
    int port = freePort();
    Cluster started = new Cluster(directory, port, bin, root);
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8",
        "--no-sync", "--no-instructions"), root, directory);
    String options = "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off "
        + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", directory.resolve("server.log").toString(),
        "-o", options, "-w", "-t", "60", "start"), root, directory);
    return started;
  }

  private static void stop(Cluster running) {
    try {
      run(List.of(running.bin().resolve("pg_ctl").toString(), "-D", running.directory().resolve("data").toString(),
          "-m", "immediate", "-w", "stop"), running.asPostgresUser(), running.directory());
      try (Stream<Path> files = Files.walk(running.directory())) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("shared PostgreSQL: stopping failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command to its end (as the postgres user if asked); fails with its output if it fails. */
  private static void run(List<String> command, boolean asPostgresUser, Path directory)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", USER, "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(directory.resolve("commands.log").toFile().exists()
            ? ProcessBuilder.Redirect.appendTo(directory.resolve("commands.log").toFile())
            : ProcessBuilder.Redirect.to(directory.resolve("commands.log").toFile()))
        .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", full));
    }
    if (process.exitValue() != 0) {
      String output = Files.readString(directory.resolve("commands.log"), StandardCharsets.UTF_8);
      throw new IllegalStateException("failed (exit " + process.exitValue() + "): " + String.join(" ", full) + "\n"
          + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
