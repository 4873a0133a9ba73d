package dev.switchboard.edge;

import dev.switchboard.testing.ServeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polyglot example of the README, run for real: {@code clients/node} (grpc-js and proto-loader,
 * loading {@code proto/} at run time) places an order with a running server and follows it with
 * WatchOrder. CI runs {@code npm ci} there and sets {@code SWITCHBOARD_REQUIRE_NODE=1}, so a missing
 * client fails the test; elsewhere it is skipped with a note.
 */
@DisplayName("a Node.js client (grpc-js) no one here wrote the server for")
class NodeClientIT {

  private static final Path CLIENT = Path.of("..", "clients", "node");

  private ServeProcess server;

  @TempDir
  Path store;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("places an order (PENDING: orders.place in event mode) and watches it to CONFIRMED")
  void placesAndWatches() throws Exception {
    requireClient();
    server = ServeProcess.launch("node-client-server", List.of("serve",
        "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0", "--set", "http.host=127.0.0.1", "--set", "http.port=0",
        "--set", "store.path=" + store, "--set", "operations.orders.place.mode=event"));
    int port = server.awaitReady(60)[0];

    Process node = new ProcessBuilder("node", "place-and-watch.js", "--target", "127.0.0.1:" + port,
        "--sku", "SKU-APPLE", "--quantity", "2", "--price", "700")
        .directory(CLIENT.toFile()).redirectErrorStream(true).start();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(node.exitValue()).as(output).isZero();
    List<String> lines = output.lines().filter(line -> line.startsWith("{")).toList();
    assertThat(lines.get(0)).contains("\"event\":\"placed\"").contains("ORDER_STATUS_PENDING");
    assertThat(lines.get(lines.size() - 1)).contains("\"event\":\"update\"").contains("ORDER_STATUS_CONFIRMED");
  }

  private static void requireClient() {
    boolean ready = Files.isDirectory(CLIENT.resolve("node_modules").resolve("@grpc"));
    if (!ready && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_NODE"))) {
      throw new AssertionError("the Node client is required: run 'npm ci' in clients/node");
    }
    Assumptions.assumeTrue(ready, "clients/node has no node_modules (run 'npm ci' there); test skipped");
  }
}
