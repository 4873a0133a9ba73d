package dev.switchboard.experiment;

import java.io.File;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from the machine's own binaries (Debian's
 * {@code /usr/lib/postgresql/<version>/bin}): {@code initdb} into a temporary directory (as the
 * {@code postgres} user when running as root: initdb refuses root), {@code pg_ctl} on a free loopback
 * port with trust authentication, stopped and deleted on {@link #close()}. For the tests and the
 * benchmarks, which need a real PostgreSQL without anyone starting one; blocking, so call it from a
 * plain thread, never an event loop.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The superuser the cluster is created with (trust authentication: no password). */
  public static final String USER = "postgres";

  private final Path directory;
  private final int port;
  private final Path bin;
  private final boolean asPostgresUser;
  private final long startMillis;

  private LocalPostgres(Path directory, int port, Path bin, boolean asPostgresUser, long startMillis) {
    this.directory = directory;
    this.port = port;
    this.bin = bin;
    this.asPostgresUser = asPostgresUser;
    this.startMillis = startMillis;
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} holding {@code initdb} and {@code pg_ctl}. */
  public static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
          .max(Comparator.comparingInt(LocalPostgres::majorVersion));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the PostgreSQL binaries are on this machine. */
  public static boolean installed() {
    return binaries().isPresent();
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Creates and starts a cluster.
   *
   * @param serverSettings {@code -c} settings for the server beside its port and socket directory, e.g.
   *                       {@code fsync=off} for tests; empty for PostgreSQL's defaults (durable commits)
   * @throws IllegalStateException when the binaries are missing or a step fails (with its output)
   */
  public static LocalPostgres start(List<String> serverSettings) throws IOException, InterruptedException {
    Path bin = binaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: no "
        + "/usr/lib/postgresql/*/bin/initdb (apt-get install -y postgresql)"));
    long started = System.nanoTime();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path directory = Files.createTempDirectory("switchboard-postgres-");
    Path data = directory.resolve("data");
    if (root) {
      run(List.of("chown", USER, directory.toString()), false, directory);
    }
    int port = freePort();
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8",
        "--no-sync", "--no-instructions"), root, directory);
    StringBuilder options = new StringBuilder("-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1");
    serverSettings.forEach(setting -> options.append(" -c ").append(setting));
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", directory.resolve("server.log")
        .toString(), "-o", options.toString(), "-w", "-t", "60", "start"), root, directory);
    return new LocalPostgres(directory, port, bin, root, (System.nanoTime() - started) / 1_000_000);
  }

  public int port() {
    return port;
  }

  /**
   * The server's process (the postmaster, whose children are the backends), from its
   * {@code postmaster.pid}: {@code pg_ctl} detaches it, so it is no descendant of this JVM. Empty when
   * the file cannot be read or the process is gone.
   */
  public Optional<ProcessHandle> server() {
    try (Stream<String> lines = Files.lines(directory.resolve("data").resolve("postmaster.pid"))) {
      return lines.findFirst().map(String::trim).filter(pid -> pid.matches("\\d+"))
          .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** How long {@link #start} took. */
  public long startMillis() {
    return startMillis;
  }

  /** The JDBC URL of {@code database} on this cluster. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates an empty database; returns its JDBC URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database name '" + name + "': expected lower-case letters, digits and _");
    }
    try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /** Stops the server at once and deletes its files; failures are reported on stderr, not thrown. */
  @Override
  public void close() {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m", "immediate",
          "-w", "stop"), asPostgresUser, directory);
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("local PostgreSQL: stopping failed: " + e);
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
    File log = directory.resolve("commands.log").toFile();
    Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + String.join(" ", full));
    }
    if (process.exitValue() != 0) {
      String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
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
