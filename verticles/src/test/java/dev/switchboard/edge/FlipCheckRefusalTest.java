package dev.switchboard.edge;

import com.google.protobuf.StringValue;
import dev.switchboard.edge.management.ManagementVerticle;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Handling;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.ManagementClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flip API runs the pre-flip check on the configuration a flip would leave and refuses one that
 * adds an error. The checkout declares every operation transactional or idempotent, so no flip of it
 * is refused: this small application has an operation with a plain handler, which event mode would
 * run at least once.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The flip API refuses what the pre-flip check rejects")
class FlipCheckRefusalTest {

  private static final String TOKEN = "flip-check-refusal-test-token-0123456789";
  private static final Operation<StringValue, StringValue> MAIL =
      Operation.of("mail.send", StringValue.parser(), StringValue.parser()).handled(Handling.PLAIN);

  @Test
  @DisplayName("a flip to event of an operation with a plain handler: 409 with the findings; the mode stays rpc")
  void plainHandlerNotFlipped(Vertx vertx) {
    OperationCatalog catalog = new OperationCatalog(List.of(MAIL));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Switchboard switchboard = Blocking.await(Switchboard.create(vertx, catalog,
        PlatformConfig.from(Settings.of(Map.of()), catalog.names()), new SwitchboardMetrics(registry)));
    Blocking.await(switchboard.serve(MAIL, (request, context) -> Future.succeededFuture(request)));
    ManagementVerticle management = new ManagementVerticle(EdgeConfig.from(Settings.of(Map.of(
        "http.host", "127.0.0.1", "http.port", "0", "grpc.port", "0", "management.token", TOKEN))),
        registry, switchboard, new ApplicationModel(catalog, List.of()), () -> true,
        new ManagementVerticle.Instance("flip-check", List.of("mail"), switchboard.store().storeId()));
    Blocking.await(vertx.deployVerticle(management));

    try (ManagementClient client = new ManagementClient(management.actualPort(), TOKEN)) {
      ManagementClient.Response refused = client.put("/operations/mail.send/mode", new JsonObject().put("mode", "event"));

      assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
      assertThat(refused.json().getString("error")).contains("pre-flip check refuses", "mail.send");
      assertThat(refused.json().getJsonArray("findings")).isNotEmpty();
      JsonObject finding = refused.json().getJsonArray("findings").getJsonObject(0);
      assertThat(finding.getString("severity")).isEqualTo("error");
      assertThat(finding.getString("key")).startsWith("operations.mail.send.");
      assertThat(client.operation("mail.send").getString("mode")).isEqualTo("rpc");
    } finally {
      Blocking.await(switchboard.close());
    }
  }
}
