package dev.switchboard.bench.kafka;

import com.google.protobuf.BytesValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ClusterConfig;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Switchboard of two operations that know nothing of the checkout, both in event mode on the Kafka
 * transport, on a Vert.x instance with the metrics a node has (Micrometer, Prometheus registry):
 * {@link #PUBLISH}, whose commands nobody consumes (its throughput is the transport's publishing
 * alone), and {@link #ECHO}, answered at once with its own request (its round trip is the transport's
 * and the consumer pipeline's, not a handler's). The store is the default: H2 in memory.
 */
final class KafkaBenchNode implements AutoCloseable {

  static final Operation<BytesValue, BytesValue> PUBLISH =
      Operation.of("bench.publish", BytesValue.parser(), BytesValue.parser());
  static final Operation<BytesValue, BytesValue> ECHO =
      Operation.of("bench.echo", BytesValue.parser(), BytesValue.parser());

  /** How long a round trip may take before the call fails: a loaded machine must not fail the run. */
  private static final String CALL_TIMEOUT_MS = "60000";

  private final Vertx vertx;
  private final Switchboard switchboard;

  private KafkaBenchNode(Vertx vertx, Switchboard switchboard) {
    this.vertx = vertx;
    this.switchboard = switchboard;
  }

  /**
   * Starts it on the broker at {@code bootstrapServers}, its topics under {@code topicPrefix}, each of
   * {@code partitions} partitions.
   */
  static KafkaBenchNode start(String bootstrapServers, String topicPrefix, int partitions) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", bootstrapServers);
    settings.put("topics.prefix", topicPrefix);
    settings.put("topics.partitions", Integer.toString(partitions));
    for (Operation<?, ?> operation : List.of(PUBLISH, ECHO)) {
      settings.put("operations." + operation.name() + ".mode", "event");
      settings.put("operations." + operation.name() + ".transport", "kafka");
      settings.put("operations." + operation.name() + ".timeoutMs", CALL_TIMEOUT_MS);
    }
    OperationCatalog catalog = new OperationCatalog(List.of(PUBLISH, ECHO));
    PlatformConfig config = PlatformConfig.from(Settings.of(settings), catalog.names());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Blocking.await(SwitchboardNode.newVertx(registry, ClusterConfig.from(Settings.empty()),
        NodeConfig.eventLoops(Settings.empty())));
    try {
      return new KafkaBenchNode(vertx, Blocking.await(Switchboard.create(vertx, catalog, config,
          new SwitchboardMetrics(registry))));
    } catch (RuntimeException e) {
      Blocking.await(vertx.close());
      throw e;
    }
  }

  Vertx vertx() {
    return vertx;
  }

  Switchboard switchboard() {
    return switchboard;
  }

  /** The topic {@link #PUBLISH}'s commands go to. */
  String publishTopic() {
    return switchboard.settings(PUBLISH).topic();
  }

  /** The topic {@link #ECHO}'s commands go to. */
  String echoTopic() {
    return switchboard.settings(ECHO).topic();
  }

  /** The topic {@link #ECHO}'s result events go to. */
  String echoResultTopic() {
    return switchboard.settings(ECHO).resultTopic();
  }

  @Override
  public void close() {
    try {
      Blocking.await(switchboard.close());
    } finally {
      Blocking.await(vertx.close());
    }
  }
}
