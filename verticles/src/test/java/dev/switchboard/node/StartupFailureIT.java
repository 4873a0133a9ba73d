package dev.switchboard.node;

import dev.switchboard.testing.ServeProcess;
import dev.switchboard.testing.SharedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process that cannot start exits on its own, non-zero, within seconds, with one line naming what
 * failed and the key to change — never a hang, never only a stack trace. Real JVMs running the fat
 * jar, as users run it.
 */
@DisplayName("java -jar switchboard.jar serve that cannot start")
class StartupFailureIT {

  /** Far above what a failed start takes; only a hang reaches it. */
  private static final int EXIT_WITHIN_S = 60;

  private final List<ServeProcess> processes = new ArrayList<>();

  @TempDir
  Path directory;

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (ServeProcess process : processes) {
      process.close();
    }
  }

  @Test
  @DisplayName("a second serve on the store of a running one exits 1 naming store.path and that it is in use")
  void storeInUse() throws Exception {
    String store = directory.resolve("store").toString();
    launch("startup-store-first", "--set", "store.path=" + store).awaitReady(EXIT_WITHIN_S);

    ServeProcess second = launch("startup-store-second", "--set", "store.path=" + store);

    assertFailsWith(second, "switchboard: store.path " + store + " is in use by another process;"
        + " give each process a store of its own");
  }

  @Test
  @DisplayName("serve on a PostgreSQL store nothing answers for exits 1 naming store.url, its password masked")
  void storeUnreachable() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/switchboard";
    ServeProcess process = launch("startup-store-url", "--set", "store.url=" + url + "?password=startup-secret",
        "--set", "store.connectTimeoutMs=1000");

    assertFailsWith(process, "switchboard: store.url " + url + "?password=*****: ");
    assertThat(process.messages().get(0)).contains("cannot be opened").contains("refused");
    assertThat(process.text()).doesNotContain("startup-secret");
  }

  @Test
  @DisplayName("serve whose gRPC port is taken exits 1 naming grpc.port")
  void grpcPortTaken() throws Exception {
    try (ServerSocket taken = takenPort()) {
      ServeProcess process = launch("startup-grpc-port", "--set", "grpc.port=" + taken.getLocalPort());

      assertFailsWith(process, "switchboard: grpc.port " + taken.getLocalPort()
          + " on grpc.host 127.0.0.1 is in use by another process");
    }
  }

  @Test
  @DisplayName("a second serve with a store of its own on the Kafka topics of a running one exits 1 naming the group,"
      + " the other member and store.url")
  void replicaWithItsOwnStore() throws Exception {
    String prefix = "replicas" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String[] kafka = {"--set", "kafka.bootstrap.servers=" + SharedKafka.bootstrapServers(),
        "--set", "topics.prefix=" + prefix, "--set", "bridge.enabled=false",
        "--set", "defaults.mode=event", "--set", "defaults.transport=kafka"};
    ServeProcess first = launch("startup-replica-first", with(kafka, "--set", "instance.id=replica-1"));
    first.awaitReady(EXIT_WITHIN_S);

    ServeProcess second = launch("startup-replica-second", with(kafka, "--set", "instance.id=replica-2"));

    assertFailsWith(second, "switchboard: kafka group");
    assertThat(second.messages().get(0))
        .contains(" " + prefix + ".payment.charge")
        .contains(" of instance replica-1 on host 127.0.0.1 with store ")
        .contains("(client id switchboard_replica-1_")
        .contains("but this process (instance replica-2) has store ")
        .contains("replicas with stores of their own cannot deduplicate each other's work")
        .contains("set store.url to the same PostgreSQL database on each");
    assertThat(first.output()).as("the first process goes on").noneMatch(line -> line.contains("shutting down"));
  }

  @Test
  @DisplayName("a process killed and started again on its H2 file store starts while the group still lists the killed"
      + " one (same store); one on a store in memory is refused until the killed one's session times out")
  void restartAfterAKill() throws Exception {
    String prefix = "restart" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String store = directory.resolve("replica-store").toString();
    String[] kafka = {"--set", "kafka.bootstrap.servers=" + SharedKafka.bootstrapServers(),
        "--set", "topics.prefix=" + prefix, "--set", "bridge.enabled=false",
        "--set", "defaults.mode=event", "--set", "defaults.transport=kafka",
        // the killed process's consumers stay members of their groups for this long
        "--set", "kafka.session.timeout.ms=45000"};
    ServeProcess killed = launch("startup-restart-killed", with(kafka, "--set", "instance.id=replica-1",
        "--set", "store.path=" + store));
    killed.awaitReady(EXIT_WITHIN_S);
    killed.kill();

    ServeProcess again = launch("startup-restart-again", with(kafka, "--set", "instance.id=replica-1",
        "--set", "store.path=" + store));
    again.awaitReady(EXIT_WITHIN_S);
    assertThat(again.text()).contains("replica check: kafka groups " + prefix + ".").contains(": every member shares store ");
    again.stop(); // SIGTERM: its consumers leave their groups; the killed one's stay listed

    ServeProcess inMemory = launch("startup-restart-in-memory", with(kafka, "--set", "instance.id=replica-2"));
    assertFailsWith(inMemory, "switchboard: kafka group");
    assertThat(inMemory.messages().get(0)).contains(" of instance replica-1 on host ")
        .contains("If that member is a process that has stopped, the group still lists it until its session times"
            + " out (kafka.session.timeout.ms, 45000 ms)");
  }

  private static String[] with(String[] settings, String... more) {
    List<String> all = new ArrayList<>(List.of(settings));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  @DisplayName("serve whose management port is taken exits 1 naming http.port")
  void managementPortTaken() throws Exception {
    try (ServerSocket taken = takenPort()) {
      ServeProcess process = launch("startup-http-port", "--set", "http.port=" + taken.getLocalPort());

      assertFailsWith(process, "switchboard: http.port " + taken.getLocalPort()
          + " on http.host 127.0.0.1 is in use by another process");
    }
  }

  @Test
  @DisplayName("serve whose internal listener's port is taken exits 1 naming internal.port")
  void internalPortTaken() throws Exception {
    try (ServerSocket taken = takenPort()) {
      ServeProcess process = launch("startup-internal-port", "--set", "internal.port=" + taken.getLocalPort(),
          "--set", "internal.token=startup-failure-test-token");

      assertFailsWith(process, "switchboard: internal.port " + taken.getLocalPort()
          + " on internal.host 127.0.0.1 is in use by another process");
    }
  }

  @Test
  @DisplayName("serve whose Kafka broker does not answer exits 1 naming kafka.bootstrap.servers after startup.kafkaTimeoutMs")
  void kafkaUnreachable() throws Exception {
    int closed = closedPort();
    ServeProcess process = launch("startup-kafka", "--set", "kafka.bootstrap.servers=127.0.0.1:" + closed,
        "--set", "startup.kafkaTimeoutMs=1000");

    assertFailsWith(process, "switchboard: kafka.bootstrap.servers 127.0.0.1:" + closed + ": ");
    assertThat(process.messages().get(0)).contains("start the broker, or give the address of a running one");
  }

  @Test
  @DisplayName("serve that is not a listed cluster member and reaches none of cluster.members exits 1 naming cluster.members")
  void clusterMembersUnreachable() throws Exception {
    int own = closedPort();
    int member = closedPort();
    ServeProcess process = launch("startup-cluster-members", "--set", "cluster.enabled=true",
        "--set", "cluster.port=" + own, "--set", "cluster.members=127.0.0.1:" + member);

    assertFailsWith(process, "switchboard: cluster.members 127.0.0.1:" + member + ": none answered 127.0.0.1:" + own);
  }

  @Test
  @DisplayName("serve whose cluster port is taken exits 1 naming cluster.port")
  void clusterPortTaken() throws Exception {
    try (ServerSocket taken = takenPort()) {
      int port = taken.getLocalPort();
      ServeProcess process = launch("startup-cluster-port", "--set", "cluster.enabled=true",
          "--set", "cluster.port=" + port, "--set", "cluster.members=127.0.0.1:" + port);

      assertFailsWith(process, "switchboard: cluster.port " + port + " on cluster.host 127.0.0.1 is in use");
    }
  }

  @Test
  @DisplayName("serve whose configuration fails the pre-flip check exits 1 naming the error, its warnings logged")
  void failsTheCheck() throws Exception {
    ServeProcess process = launch("startup-check", "--set", "operations.notifications.orderEvents.faults.dedup=false",
        "--set", "operations.payment.charge.faults.latencyMs=10");

    assertFailsWith(process, "switchboard: the configuration fails the pre-flip check (switchboard check --config"
        + " FILE shows every finding): operations.notifications.orderEvents.faults.dedup: false: notifications"
        + ".orderEvents no longer deduplicates by message id");
    assertThat(process.text()).contains("pre-flip check: warning operations.payment.charge.faults: latencyMs=10");
  }

  @Test
  @DisplayName("serve still starting after startup.timeoutMs exits 1 naming startup.timeoutMs")
  void startupTimeout() throws Exception {
    // a broker that never answers, given longer than the command line waits for the whole start-up
    ServeProcess process = launch("startup-timeout", "--set", "kafka.bootstrap.servers=127.0.0.1:" + closedPort(),
        "--set", "startup.kafkaTimeoutMs=600000", "--set", "startup.timeoutMs=1000");

    assertFailsWith(process, "switchboard: start-up did not finish within 1000 ms (startup.timeoutMs)");
  }

  /** Exits by itself, with 1, printing exactly one line of its own, which says {@code expected}. */
  private static void assertFailsWith(ServeProcess process, String expected) throws Exception {
    int exitCode = process.awaitExit(EXIT_WITHIN_S);

    assertThat(exitCode).as("exit code; output:%n%s", process.text()).isEqualTo(1);
    assertThat(process.messages()).as("the command line's own lines; output:%n%s", process.text()).hasSize(1);
    assertThat(process.messages().get(0)).startsWith(expected);
    assertThat(process.text()).doesNotContain("RejectedExecutionException");
  }

  private ServeProcess launch(String name, String... settings) throws IOException {
    List<String> args = new ArrayList<>(List.of("serve", "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0",
        "--set", "http.host=127.0.0.1", "--set", "http.port=0", "--set", "store.path=",
        "--set", "shutdown.graceMs=0"));
    for (String setting : settings) {
      args.add(setting);
    }
    ServeProcess process = ServeProcess.launch(name, args);
    processes.add(process);
    return process;
  }

  /** A port another process (this test) listens on. */
  private static ServerSocket takenPort() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** A port nothing listens on (free when looked up). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
