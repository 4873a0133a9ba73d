package dev.switchboard.kafkadev;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), on loopback.
 *
 * <pre>
 * java -cp 'kafka-dev/target/lib/*' dev.switchboard.kafkadev.LocalKafka [--port 9092] [--dir DIR]
 * </pre>
 *
 * Formats {@code DIR} on first use (an existing log directory is kept, so a restarted broker has its
 * topics and offsets), prints {@code LOCAL-KAFKA-READY host:port} on standard output once it takes
 * connections, and stops on SIGTERM.
 */
public final class LocalKafka {

  public static final String READY = "LOCAL-KAFKA-READY ";

  private LocalKafka() {
  }

  public static void main(String[] args) throws IOException {
    int port = 9092;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println("usage: LocalKafka [--port PORT] [--dir DIR]");
          System.exit(2);
        }
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("switchboard-kafka-");
    }
    int controllerPort = freePort();
    Path properties = dir.resolve("server.properties");
    Files.createDirectories(dir.resolve("logs"));
    writeProperties(properties, port, controllerPort, dir.resolve("logs"));

    format(properties, clusterId(dir.resolve("logs").resolve("meta.properties")));

    Properties config = new Properties();
    try (var in = Files.newInputStream(properties)) {
      config.load(in);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "local-kafka-shutdown"));
    server.startup();
    System.out.println(READY + "127.0.0.1:" + port + " " + dir);
    System.out.flush();
    server.awaitShutdown();
  }

  /**
   * The cluster id of a log directory formatted before (its {@code meta.properties}), so that a broker
   * restarted on it keeps its topics: StorageTool refuses a directory of another cluster, even with
   * {@code --ignore-formatted}. A new random id for a new directory.
   */
  private static String clusterId(Path metaProperties) throws IOException {
    if (Files.isRegularFile(metaProperties)) {
      Properties meta = new Properties();
      try (var in = Files.newInputStream(metaProperties)) {
        meta.load(in);
      }
      String id = meta.getProperty("cluster.id", "").trim();
      if (!id.isEmpty()) {
        return id;
      }
    }
    return Uuid.randomUuid().toString();
  }

  /** Runs Kafka's StorageTool, which ends by calling Exit.exit: caught here so this JVM goes on to serve. */
  private static void format(Path properties, String clusterId) {
    Exit.setExitProcedure((code, message) -> {
      throw new ToolExit(code, message);
    });
    try {
      StorageTool.main(new String[] {"format", "-t", clusterId, "-c", properties.toString(),
          "--ignore-formatted"});
    } catch (ToolExit exit) {
      if (exit.code != 0) {
        throw new IllegalStateException("formatting the log directory failed: " + exit.getMessage());
      }
    } finally {
      Exit.resetExitProcedure();
    }
  }

  private static final class ToolExit extends RuntimeException {
    private final int code;

    ToolExit(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static void writeProperties(Path file, int port, int controllerPort, Path logs) throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logs.toString());
    p.setProperty("num.partitions", "3");
    p.setProperty("auto.create.topics.enable", "true");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "3");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "single-node KRaft broker for Switchboard development");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
