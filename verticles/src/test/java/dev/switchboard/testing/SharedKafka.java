package dev.switchboard.testing;

import dev.switchboard.experiment.LocalKafkaProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real Kafka broker (KRaft, its own JVM) for the whole test run, started on first use and
 * stopped when the test JVM exits. Tests keep apart by using their own topic names.
 */
public final class SharedKafka {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static LocalKafkaProcess broker;

  private SharedKafka() {
  }

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      try {
        broker = LocalKafkaProcess.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.err.printf("shared Kafka broker on %s started in %d ms%n", broker.bootstrapServers(), broker.startMillis());
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-kafka-stop"));
    }
    return broker.bootstrapServers();
  }

  /**
   * Settings that put every event-mode operation of a node on the Kafka transport, under a topic
   * prefix of its own so that tests do not see each other's records.
   */
  public static Map<String, String> kafkaTransport() {
    return Map.of(
        "kafka.bootstrap.servers", bootstrapServers(),
        "defaults.transport", "kafka",
        "topics.prefix", "test" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid());
  }
}
