package dev.switchboard.docker;

import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.switchboard.docker.DockerFiles.list;
import static dev.switchboard.docker.DockerFiles.map;
import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grafana in {@code docker/compose.yaml}: provisioned with the project's Prometheus and the
 * Switchboard dashboard, whose every query reads metrics a node really exports (scraped from a node
 * that has done each thing the dashboard shows, rather than from a list written by hand).
 */
@DisplayName("The Grafana dashboard reads what the platform exports")
class GrafanaDashboardTest {

  private static final String DASHBOARD = "grafana/dashboards/switchboard.json";
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private static JsonObject dashboard() {
    return new JsonObject(DockerFiles.read(DASHBOARD));
  }

  /** The values of {@code field} anywhere in {@code json}, depth first. */
  private static List<Object> values(Object json, String field) {
    List<Object> found = new ArrayList<>();
    if (json instanceof JsonObject object) {
      object.forEach(entry -> {
        if (entry.getKey().equals(field)) {
          found.add(entry.getValue());
        }
        found.addAll(values(entry.getValue(), field));
      });
    } else if (json instanceof JsonArray array) {
      array.forEach(element -> found.addAll(values(element, field)));
    }
    return found;
  }

  /** Every PromQL expression and variable query of the dashboard. */
  private static List<String> queries(JsonObject dashboard) {
    List<String> queries = new ArrayList<>();
    values(dashboard, "expr").forEach(expr -> queries.add(expr.toString()));
    dashboard.getJsonObject("templating").getJsonArray("list").forEach(variable -> {
      Object query = ((JsonObject) variable).getValue("query");
      queries.add(query instanceof JsonObject object ? object.getString("query") : String.valueOf(query));
    });
    return queries;
  }

  private static Set<String> metricNames(JsonObject dashboard) {
    return queries(dashboard).stream().flatMap(query -> PromQlMetricNames.of(query).stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  @DisplayName("the provisioning points Grafana at the compose project's Prometheus and at the mounted dashboards")
  void provisioning() {
    Map<String, Object> services = map(DockerFiles.yaml("compose.yaml").get("services"), "services");
    Map<String, Object> grafana = map(services.get("grafana"), "grafana");
    List<String> volumes = list(grafana.get("volumes"), "grafana volumes").stream().map(Object::toString).toList();
    assertThat(volumes).contains("./grafana/provisioning:/etc/grafana/provisioning:ro");

    Map<String, Object> datasource = map(list(DockerFiles.yaml("grafana/provisioning/datasources/prometheus.yaml")
        .get("datasources"), "datasources").get(0), "datasource");
    assertThat(datasource.get("type")).isEqualTo("prometheus");
    assertThat(services).containsKey("prometheus");
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");

    Map<String, Object> provider = map(list(DockerFiles.yaml("grafana/provisioning/dashboards/switchboard.yaml")
        .get("providers"), "providers").get(0), "provider");
    String path = map(provider.get("options"), "options").get("path").toString();
    assertThat(volumes).contains("./grafana/dashboards:" + path + ":ro");

    JsonObject dashboard = dashboard();
    assertThat(dashboard.getString("uid")).isEqualTo("switchboard");
    assertThat(values(dashboard, "datasource")).isNotEmpty().allSatisfy(used ->
        assertThat(((JsonObject) used).getString("uid")).as("datasource of a panel or query").isEqualTo(datasource.get("uid")));
  }

  @Test
  @DisplayName("the dashboard shows calls and latency by mode, saga outcomes, consumer lag, dead letters, breakers and degraded calls")
  void showsWhatMatters() {
    JsonObject dashboard = dashboard();
    Set<String> names = metricNames(dashboard);

    assertThat(names).contains("switchboard_operation_calls_seconds_count", "switchboard_operation_calls_seconds_sum",
        "switchboard_saga_finished_total", "switchboard_kafka_consumer_lag", "switchboard_operation_deadletters_total",
        "switchboard_operation_breaker_state", "switchboard_operation_call_degraded_total");
    assertThat(queries(dashboard)).as("calls by operation and mode")
        .anyMatch(query -> query.contains("switchboard_operation_calls_seconds_count") && byOperationAndMode(query));
    assertThat(queries(dashboard)).as("latency by operation and mode")
        .anyMatch(query -> query.contains("switchboard_operation_calls_seconds_sum") && byOperationAndMode(query));
    assertThat(queries(dashboard)).as("saga outcomes")
        .anyMatch(query -> query.contains("switchboard_saga_finished_total") && query.contains("outcome"));
  }

  private static boolean byOperationAndMode(String query) {
    return query.matches(".*\\bby \\([^)]*\\boperation\\b[^)]*\\bmode\\b[^)]*\\).*");
  }

  @Test
  @DisplayName("finds the metric names in PromQL, not the functions, labels, ranges or variables around them")
  void readsPromQl() {
    assertThat(PromQlMetricNames.of("sum by (operation, mode) (rate(a_seconds_sum{instance=~\"$instance\",outcome!~\"x|y\"}"
        + "[$__rate_interval])) / on (operation) group_left sum without (le) (increase(b_total[5m] offset 1m)) > 0.5"))
        .containsExactly("a_seconds_sum", "b_total");
    assertThat(PromQlMetricNames.of("label_values(vertx_http_server_active_connections, instance)"))
        .containsExactly("vertx_http_server_active_connections");
    assertThat(PromQlMetricNames.of("max by (target) (c:recorded:rate5m) * 2 and d")).containsExactly("c:recorded:rate5m", "d");
  }

  @Test
  @DisplayName("every metric the dashboard queries is exported by a node that has done each thing it shows")
  void everyMetricIsExported() throws Exception {
    Set<String> wanted = metricNames(dashboard());
    Map<String, String> settings = new HashMap<>(SharedKafka.kafkaTransport());
    settings.putAll(Map.of(
        "defaults.mode", "event",
        // payment.charge as an rpc call that cannot be made: its breaker opens (the retry and the next
        // order's call are refused), the call degrades to a command on Kafka, which is retried and ends
        // in the dead letters
        "operations.payment.charge.mode", "rpc",
        "operations.payment.charge.idempotent", "true",
        "operations.payment.charge.fallback", "event",
        "operations.payment.charge.breaker.failures", "1",
        "operations.payment.charge.retries", "1",
        "operations.payment.charge.faults.down", "true"));
    try (RunningNode running = RunningNode.start(settings)) {
      Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100));
      Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100));
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + running.node().httpPort() + "/metrics");

      Eventually.asserts(WITHIN, () -> {
        Set<String> exported = exportedNames(http, metrics);
        assertThat(exported).as("exported by the node").containsAll(wanted);
      });
    }
  }

  private static Set<String> exportedNames(HttpClient http, URI metrics) {
    try {
      String scrape = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
