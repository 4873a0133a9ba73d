package dev.switchboard.testing;

import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The topology of {@code docker/compose.yaml} as native processes, started by {@code docker/native.sh up}
 * on this test JVM's shared broker ({@link SharedKafka}) and PostgreSQL cluster ({@link SharedPostgres}:
 * a fresh database for the checkout group and another for the payment group), under a topic prefix of
 * its own. The replicas are read from the script's {@code topology.env}; {@link #kill(Replica)} and
 * {@link #down()} run the script's {@code kill} and {@code down}; {@link #close()} runs {@code down}
 * unless it ran, and so does the JVM's exit if a test forgot to.
 */
public final class NativeTopology implements AutoCloseable {

  /** The script, from the module's directory (where the tests run). */
  public static final Path SCRIPT = Path.of("..", "docker", "native.sh");
  private static final long UP_TIMEOUT_S = 480;
  private static final long COMMAND_TIMEOUT_S = 240;
  private static final AtomicInteger TOPOLOGIES = new AtomicInteger();

  /** One replica as {@code topology.env} lists it. */
  public record Replica(String id, String group, long pid, int grpcPort, int httpPort, int internalPort, Path log) {

    /** Whether its process is alive (an exited process not yet reaped, which has no command, is not). */
    public boolean alive() {
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(process -> process.info().command())
          .isPresent();
    }

    /** Its ports: gRPC, management, internal. */
    public List<Integer> ports() {
      return List.of(grpcPort, httpPort, internalPort);
    }

    /** Its log so far. */
    public String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** What a run of the script printed, and its exit code. */
  public record Result(int exitCode, String output) {
  }

  private final Path directory;
  private final Properties topology;
  private final List<Replica> replicas;
  private final Vertx clientVertx = Vertx.vertx();
  private final Map<String, CheckoutGrpcClient> clients = new HashMap<>();
  private final Thread downAtExit;
  private Result down;

  private NativeTopology(Path directory, Properties topology) {
    this.directory = directory;
    this.topology = topology;
    this.replicas = Arrays.stream(topology.getProperty("replicas").split(",")).map(this::parse).toList();
    this.downAtExit = new Thread(() -> run("down-at-exit", List.of("down", "--dir", directory.toString()), 120),
        "native-topology-down");
    Runtime.getRuntime().addShutdownHook(downAtExit);
  }

  /**
   * Runs {@code docker/native.sh up} with {@code checkout} and {@code payment} replicas and {@code more}
   * options ({@code --set KEY=VALUE}, …); fails with the script's output if it does not come up. Skips
   * the test where PostgreSQL is not installed (fails it in CI).
   */
  public static NativeTopology up(int checkout, int payment, String... more) {
    SharedPostgres.requireInstalled();
    String name = "native-topology-" + ProcessHandle.current().pid() + "-" + TOPOLOGIES.incrementAndGet();
    Path directory = Path.of("target", name).toAbsolutePath();
    deleteRecursively(directory);
    Map<String, String> checkoutStore = SharedPostgres.freshStore();
    List<String> args = new ArrayList<>(List.of("up", "--dir", directory.toString(),
        "--checkout", Integer.toString(checkout), "--payment", Integer.toString(payment),
        "--kafka", SharedKafka.bootstrapServers(),
        "--store-url", checkoutStore.get("store.url"),
        "--payment-store-url", SharedPostgres.freshDatabase(),
        "--store-user", checkoutStore.get("store.user"),
        "--prefix", name.replace("native-topology-", "native"),
        // a loaded machine (CI, two cores) starts four JVMs slowly
        "--timeout", "180",
        // the shared cluster serves every test of this JVM: a small pool per replica
        "--set", "store.poolSize=4"));
    args.addAll(List.of(more));
    Result up = run(name + "-up", args, UP_TIMEOUT_S);
    if (up.exitCode() != 0) {
      throw new AssertionError("docker/native.sh up exited " + up.exitCode() + ":\n" + up.output());
    }
    Properties topology = new Properties();
    try (Reader reader = Files.newBufferedReader(directory.resolve("topology.env"), StandardCharsets.UTF_8)) {
      topology.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NativeTopology(directory, topology);
  }

  private Replica parse(String id) {
    String key = "replica." + id + ".";
    return new Replica(id, topology.getProperty(key + "group"), Long.parseLong(topology.getProperty(key + "pid")),
        Integer.parseInt(topology.getProperty(key + "grpc")), Integer.parseInt(topology.getProperty(key + "http")),
        Integer.parseInt(topology.getProperty(key + "internal")), Path.of(topology.getProperty(key + "log")));
  }

  /** Every replica, checkout ones first, as {@code topology.env} lists them. */
  public List<Replica> replicas() {
    return replicas;
  }

  /** The replicas of one service group ({@code checkout} or {@code payment}). */
  public List<Replica> replicas(String group) {
    return replicas.stream().filter(replica -> replica.group().equals(group)).toList();
  }

  /** The replica named {@code id} ({@code checkout-1}, …). */
  public Replica replica(String id) {
    return replicas.stream().filter(replica -> replica.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no replica " + id + " in " + replicas));
  }

  /** A value of {@code topology.env} ({@code kafka.bootstrap}, {@code store.url.checkout}, …). */
  public String setting(String key) {
    return topology.getProperty(key);
  }

  /** The directory of the topology (its topology.env, secrets.env and logs). */
  public Path directory() {
    return directory;
  }

  /** The management token the script generated for the replicas (from its secrets.env). */
  public String managementToken() {
    try (Reader reader = Files.newBufferedReader(directory.resolve("secrets.env"), StandardCharsets.UTF_8)) {
      Properties secrets = new Properties();
      secrets.load(reader);
      return secrets.getProperty("management.token");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client of a checkout replica's gRPC edge (one per replica, closed with the topology). */
  public synchronized CheckoutGrpcClient client(Replica replica) {
    return clients.computeIfAbsent(replica.id(),
        id -> new CheckoutGrpcClient(clientVertx, "127.0.0.1", replica.grpcPort()));
  }

  /** {@code docker/native.sh kill REPLICA}: SIGKILL, as a crash or the OOM killer would. */
  public Result kill(Replica replica) {
    return run(directory.getFileName() + "-kill-" + replica.id(),
        List.of("kill", replica.id(), "--dir", directory.toString()), COMMAND_TIMEOUT_S);
  }

  /** {@code docker/native.sh status}: exit 0 when every process of the topology is alive. */
  public Result status() {
    return run(directory.getFileName() + "-status", List.of("status", "--dir", directory.toString()),
        COMMAND_TIMEOUT_S);
  }

  /**
   * {@code docker/native.sh down} (once; again returns the first result). Runs even when the calling
   * thread was interrupted (a test that timed out), which it is again afterwards.
   */
  public synchronized Result down() {
    if (down == null) {
      boolean interrupted = Thread.interrupted();
      try {
        clients.values().forEach(CheckoutGrpcClient::close);
        clients.clear();
        down = run(directory.getFileName() + "-down", List.of("down", "--dir", directory.toString()),
            COMMAND_TIMEOUT_S);
        try {
          Runtime.getRuntime().removeShutdownHook(downAtExit);
        } catch (IllegalStateException exiting) {
          // the JVM is exiting: the hook runs down again, which finds nothing running
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return down;
  }

  @Override
  public void close() {
    down();
    if (Thread.currentThread().isInterrupted()) {
      clientVertx.close();
    } else {
      Blocking.await(clientVertx.close());
    }
  }

  /**
   * Runs the script with {@code args}, its output to {@code target/<name>.out}, with this JVM's Java
   * and without the {@code SWITCHBOARD_*} environment of the test run.
   */
  private static Result run(String name, List<String> args, long timeoutSeconds) {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(args);
    Path output = Path.of("target", name + ".out").toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("SWITCHBOARD_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    try {
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
            + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
