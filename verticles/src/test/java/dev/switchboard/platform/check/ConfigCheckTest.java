package dev.switchboard.platform.check;

import com.google.protobuf.StringValue;
import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Handling;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.saga.SagaDefinition;
import dev.switchboard.platform.saga.SagaOutline;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The pre-flip check as a pure function of a small application and a small configuration: each rule
 * on its own, with the values it must name.
 */
@DisplayName("The pre-flip check")
class ConfigCheckTest {

  // a shop: shop.order runs the buy saga (take stock, pay, ship); mail.send is plain, stats.count accepts duplicates
  static final Operation<StringValue, StringValue> ORDER = op("shop.order", Handling.IDEMPOTENT);
  static final Operation<StringValue, StringValue> TAKE = op("stock.take", Handling.TRANSACTIONAL);
  static final Operation<StringValue, StringValue> GIVE = op("stock.give", Handling.TRANSACTIONAL);
  static final Operation<StringValue, StringValue> PAY = op("card.pay", Handling.TRANSACTIONAL);
  static final Operation<StringValue, StringValue> REFUND = op("card.refund", Handling.TRANSACTIONAL);
  static final Operation<StringValue, StringValue> SHIP = op("ship.send", Handling.TRANSACTIONAL);
  static final Operation<StringValue, StringValue> MAIL = op("mail.send", Handling.PLAIN);
  static final Operation<StringValue, StringValue> STATS =
      Operation.subscriber("stats.count", "shop.events", StringValue.parser(), StringValue.parser())
          .handled(Handling.DUPLICATES_ACCEPTED);

  static final SagaOutline BUY = SagaDefinition.builder("buy", StringValue.parser())
      .startedBy(ORDER)
      .step(TAKE, data -> data, (data, reply) -> data, GIVE, data -> data)
      .step(PAY, data -> data, (data, reply) -> data, REFUND, data -> data)
      .step(SHIP, data -> data, (data, reply) -> data)
      .build().outline();

  static final ApplicationModel SHOP = new ApplicationModel(
      new OperationCatalog(List.of(ORDER, TAKE, GIVE, PAY, REFUND, SHIP, MAIL, STATS)), List.of(BUY));

  private static Operation<StringValue, StringValue> op(String name, Handling handling) {
    return Operation.of(name, StringValue.parser(), StringValue.parser()).handled(handling);
  }

  /** The shop's configuration: the given keys and values over generous deadlines for shop.order. */
  static PlatformConfig config(String... keysAndValues) {
    Map<String, String> settings = new HashMap<>();
    settings.put("operations.shop.order.timeoutMs", "60000");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return PlatformConfig.from(Settings.of(settings), SHOP.operations().names());
  }

  static List<Finding> check(String... keysAndValues) {
    return ConfigCheck.of(SHOP, config(keysAndValues));
  }

  /** The shop's own finding, the saga's last step without compensation, left out. */
  static List<Finding> configFindings(String... keysAndValues) {
    return check(keysAndValues).stream().filter(finding -> !finding.key().startsWith("saga ")).toList();
  }

  @Test
  @DisplayName("the defaults (everything rpc, nothing set) give no finding about the configuration")
  void defaultsAreClean() {
    assertThat(configFindings()).isEmpty();
  }

  @Nested
  @DisplayName("at-least-once delivery")
  class AtLeastOnce {

    @Test
    @DisplayName("an event-mode operation with a plain handler is an error naming its mode key")
    void plainInEventMode() {
      assertThat(configFindings("operations.mail.send.mode", "event")).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding.key()).isEqualTo("operations.mail.send.mode");
        assertThat(finding.message()).startsWith("event, but the handler of mail.send is plain")
            .contains("at-least-once", "runs its effect twice", "rpc", "TransactionalHandler");
      });
    }

    @Test
    @DisplayName("says when event mode comes from defaults.mode")
    void fromDefaults() {
      List<Finding> findings = configFindings("defaults.mode", "event");

      assertThat(findings).filteredOn(Finding::isError).singleElement().satisfies(finding -> {
        assertThat(finding.key()).isEqualTo("operations.mail.send.mode");
        assertThat(finding.message()).startsWith("event (from defaults.mode), but");
      });
    }

    @Test
    @DisplayName("transactional and idempotent handlers may take events; a handler accepting duplicates gets a warning")
    void safeHandlers() {
      List<Finding> findings = configFindings("defaults.mode", "event", "operations.mail.send.mode", "rpc");

      assertThat(findings).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.key()).isEqualTo("operations.stats.count.mode");
        assertThat(finding.message()).contains("repeats its effect", "redelivered");
      });
    }
  }

  @Nested
  @DisplayName("faults")
  class Faults {

    @Test
    @DisplayName("deduplication off is an error naming faults.dedup")
    void dedupOff() {
      assertThat(configFindings("operations.card.pay.faults.dedup", "false")).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding.key()).isEqualTo("operations.card.pay.faults.dedup");
        assertThat(finding.message()).startsWith("false: card.pay no longer deduplicates").contains("takes effect again");
      });
    }

    @Test
    @DisplayName("other faults are a warning listing them")
    void otherFaults() {
      assertThat(configFindings("operations.card.pay.faults.latencyMs", "200", "operations.card.pay.faults.down",
          "true")).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.key()).isEqualTo("operations.card.pay.faults");
            assertThat(finding.message()).startsWith("latencyMs=200, down=true: faults injected into card.pay");
          });
    }

    @Test
    @DisplayName("deduplication set on, as it is by default, is no finding")
    void dedupOn() {
      assertThat(configFindings("operations.card.pay.faults.dedup", "true")).isEmpty();
    }
  }

  @Nested
  @DisplayName("rpc retries")
  class Retries {

    @Test
    @DisplayName("idempotent: true on a plain handler is an error: a retried call runs it twice")
    void idempotentClaimOnPlainHandler() {
      assertThat(configFindings("operations.mail.send.idempotent", "true")).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding.key()).isEqualTo("operations.mail.send.idempotent");
        assertThat(finding.message()).startsWith("true, but the handler of mail.send is plain");
      });
    }

    @Test
    @DisplayName("retries set on a non-idempotent rpc operation are a warning: they do not apply to its calls")
    void retriesThatDoNotApply() {
      assertThat(configFindings("operations.card.pay.retries", "2")).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.key()).isEqualTo("operations.card.pay.retries");
        assertThat(finding.message()).startsWith("2, but card.pay is not idempotent")
            .contains("not retried", "set operations.card.pay.idempotent=true");
      });
    }

    @Test
    @DisplayName("retries left at their default, on an idempotent operation, or in event mode are no finding")
    void retriesThatApply() {
      assertThat(configFindings("defaults.retries", "5")).isEmpty();
      assertThat(configFindings("operations.card.pay.retries", "2", "operations.card.pay.idempotent", "true"))
          .isEmpty();
      assertThat(configFindings("operations.card.pay.retries", "2", "operations.card.pay.mode", "event")).isEmpty();
    }
  }

  @Nested
  @DisplayName("fallback to events")
  class Fallback {

    @Test
    @DisplayName("fallback: event on an operation whose handler is not idempotent is an error naming fallback")
    void fallbackOnPlainHandler() {
      List<Finding> findings = configFindings("operations.mail.send.idempotent", "true",
          "operations.mail.send.fallback", "event");

      assertThat(findings).extracting(Finding::key)
          .containsExactly("operations.mail.send.idempotent", "operations.mail.send.fallback");
      assertThat(findings.get(1).severity()).isEqualTo(Severity.ERROR);
      assertThat(findings.get(1).message()).startsWith("event, but the handler of mail.send is plain")
          .contains("delivered at least once");
    }

    @Test
    @DisplayName("fallback: event on a transactional operation is no finding")
    void fallbackOnTransactionalHandler() {
      assertThat(configFindings("operations.card.pay.idempotent", "true", "operations.card.pay.fallback", "event"))
          .isEmpty();
    }
  }

  @Nested
  @DisplayName("rpc chains")
  class Chains {

    @Test
    @DisplayName("a saga's rpc calls taking longer than its caller's deadline are a warning with the numbers")
    void chainOutlastsCaller() {
      List<Finding> findings = configFindings("operations.shop.order.timeoutMs", "10000", "defaults.timeoutMs",
          "2000", "operations.card.pay.idempotent", "true", "operations.card.pay.retries", "2");

      assertThat(findings).singleElement().satisfies(finding -> {
        assertThat(finding.severity()).isEqualTo(Severity.WARNING);
        assertThat(finding.key()).isEqualTo("operations.shop.order.timeoutMs");
        // 2000 + 3 x 2000 + 2000 forward, 2000 + 2000 compensations
        assertThat(finding.message()).startsWith("10000, but the buy saga it runs in rpc mode may take 14000 ms")
            .contains("steps stock.take 2000 + card.pay 3x2000 + ship.send 2000",
                "compensations stock.give 2000 + card.refund 2000", "at least 14000");
      });
    }

    @Test
    @DisplayName("event-mode steps are left out, and a caller in event mode waits for no chain")
    void eventStepsAndCallers() {
      assertThat(configFindings("operations.shop.order.timeoutMs", "5000", "defaults.timeoutMs", "1000")).isEmpty();
      assertThat(configFindings("operations.shop.order.timeoutMs", "3000", "defaults.timeoutMs", "1000",
          "operations.ship.send.mode", "event", "operations.stock.give.mode", "event")).isEmpty();
      assertThat(configFindings("operations.shop.order.timeoutMs", "1000", "operations.shop.order.mode", "event"))
          .isEmpty();
    }
  }

  @Nested
  @DisplayName("saga compensations")
  class Compensations {

    @Test
    @DisplayName("a step nothing undoes is a warning naming the saga, the step and the risk")
    void stepWithoutCompensation() {
      SagaOutline outline = new SagaOutline("trip", Optional.empty(), List.of(
          new SagaOutline.Step("stock.take", Optional.empty()),
          new SagaOutline.Step("card.pay", Optional.of("card.refund")),
          new SagaOutline.Step("ship.send", Optional.empty())));
      ApplicationModel trip = new ApplicationModel(SHOP.operations(), List.of(outline));

      List<Finding> findings = ConfigCheck.of(trip, config());

      assertThat(findings).extracting(Finding::line).containsExactly(
          "warning saga trip: step 1 (stock.take) has no compensation: if a later step fails, its effect stays while"
              + " the saga ends aborted",
          "warning saga trip: step 3 (ship.send) has no compensation: if it fails after taking effect (a timed-out"
              + " rpc call), nothing undoes it");
    }
  }

  @Test
  @DisplayName("errors come first")
  void errorsFirst() {
    List<Finding> findings = check("operations.card.pay.faults.latencyMs", "5", "operations.mail.send.mode", "event");

    assertThat(findings).extracting(Finding::severity)
        .containsExactly(Severity.ERROR, Severity.WARNING, Severity.WARNING);
    assertThat(ConfigCheck.hasErrors(findings)).isTrue();
    assertThat(ConfigCheck.summary(findings)).isEqualTo("1 error, 2 warnings");
  }

  @Nested
  @DisplayName("a flip")
  class Flips {

    @Test
    @DisplayName("is checked as the configuration it would leave, the current one unchanged")
    void checkedAsItWouldBe() {
      PlatformConfig current = config();

      List<Finding> findings = ConfigCheck.ofFlip(SHOP, current, Flip.to("mail.send", Mode.EVENT));

      assertThat(findings).filteredOn(Finding::isError).extracting(Finding::key)
          .containsExactly("operations.mail.send.mode");
      assertThat(findings.get(0).message()).startsWith("event, but");
      assertThat(current.operation("mail.send").mode()).isEqualTo(Mode.RPC);
    }

    @Test
    @DisplayName("goes, without a transport, to the operation's event path or its configured rpc transport")
    void derivesTransport() {
      PlatformConfig onKafka = config("defaults.mode", "event", "defaults.transport", "kafka",
          "kafka.bootstrap.servers", "127.0.0.1:9092", "operations.card.pay.fallbackTransport", "kafka");

      assertThat(Flip.to("card.pay", Mode.RPC).applyTo(onKafka).transport()).isEqualTo(Transport.LOCAL);
      assertThat(Flip.to("card.pay", Mode.EVENT).applyTo(config()).transport()).isEqualTo(Transport.LOCAL);
      assertThat(Flip.to("card.pay", Mode.EVENT).applyTo(config("kafka.bootstrap.servers", "127.0.0.1:9092",
          "operations.card.pay.fallbackTransport", "kafka")).transport()).isEqualTo(Transport.KAFKA);
    }

    @Test
    @DisplayName("checks the settings a running node would install, given as they are")
    void checksGivenSettings() {
      PlatformConfig current = config();
      var flipped = current.operation("mail.send").flipped(Mode.EVENT, Transport.LOCAL);

      assertThat(ConfigCheck.ofFlip(SHOP, current, flipped)).filteredOn(Finding::isError).singleElement()
          .satisfies(finding -> assertThat(finding.line()).startsWith("error   operations.mail.send.mode: event, but"));
    }

    @Test
    @DisplayName("to where no process would listen is refused naming the key and what is allowed")
    void invalidFlips() {
      Throwable grpcEvent = catchThrowable(() -> Flip.to("card.pay", Mode.EVENT, Transport.GRPC).applyTo(config()));
      Throwable offPath = catchThrowable(() -> Flip.to("card.pay", Mode.EVENT, Transport.KAFKA).applyTo(config()));
      Throwable kafkaRpc = catchThrowable(() -> Flip.to("card.pay", Mode.RPC, Transport.KAFKA).applyTo(config()));
      Throwable noTarget = catchThrowable(() -> Flip.to("card.pay", Mode.RPC, Transport.GRPC).applyTo(config()));

      assertThat(grpcEvent).isInstanceOf(ConfigException.class)
          .hasMessageContaining("operations.card.pay.transport = 'grpc'", "carries rpc mode only");
      assertThat(offPath).isInstanceOf(ConfigException.class)
          .hasMessageContaining("operations.card.pay.transport = 'kafka'", "consumed on kafka only when configured");
      assertThat(kafkaRpc).isInstanceOf(ConfigException.class).hasMessageContaining("carries event mode only");
      assertThat(noTarget).isInstanceOf(ConfigException.class).hasMessageContaining("operations.card.pay.target");
    }

    @Test
    @DisplayName("is refused for the errors it adds, not for those the configuration had already")
    void refusedForAddedErrorsOnly() {
      PlatformConfig drill = config("operations.card.pay.faults.dedup", "false");
      assertThat(ConfigCheck.of(SHOP, drill)).anyMatch(Finding::isError);

      var payAsEvent = drill.flipped("card.pay", Mode.EVENT, null);
      var mailAsEvent = drill.flipped("mail.send", Mode.EVENT, null);

      assertThat(ConfigCheck.errorsAddedByFlip(SHOP, drill, payAsEvent)).isEmpty();
      assertThat(ConfigCheck.errorsAddedByFlip(SHOP, drill, mailAsEvent)).extracting(Finding::key)
          .containsExactly("operations.mail.send.mode");
    }

    @Test
    @DisplayName("of an operation not declared is refused")
    void unknownOperation() {
      assertThat(catchThrowable(() -> ConfigCheck.ofFlip(SHOP, config(), Flip.to("card.steal", Mode.EVENT))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("card.steal");
    }
  }
}
