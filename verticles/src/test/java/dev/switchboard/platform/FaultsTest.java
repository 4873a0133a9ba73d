package dev.switchboard.platform;

import com.google.protobuf.StringValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.StoreRows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.switchboard.platform.SwitchboardTest.AUDIT;
import static dev.switchboard.platform.SwitchboardTest.ECHO;
import static dev.switchboard.platform.SwitchboardTest.MAIL;
import static dev.switchboard.platform.SwitchboardTest.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The faults an experiment injects: capacity, duplicate delivery, deduplication off; from config and at run time. */
@ExtendWith(VertxExtension.class)
@DisplayName("Injected faults")
class FaultsTest {

  private static final Duration SETTLE = Duration.ofSeconds(15);
  /** ECHO and AUDIT served by {@link #effect()}: the same operations, declared transactional. */
  private static final Operation<StringValue, StringValue> ECHO_IN_STORE = ECHO.handled(Handling.TRANSACTIONAL);
  private static final Operation<StringValue, StringValue> AUDIT_IN_STORE = AUDIT.handled(Handling.TRANSACTIONAL);

  private static Switchboard switchboard(Vertx vertx, Map<String, String> settings) {
    return SwitchboardTest.switchboard(vertx, settings);
  }

  private static Map<String, String> settings(String... keysAndValues) {
    Map<String, String> settings = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return settings;
  }

  /** Invokes ECHO {@code count} times at once; the outcome of each (a reply's value, or the failure). */
  private static List<Future<Invocation<StringValue>>> invokeAtOnce(Switchboard switchboard, int count) {
    List<Future<Invocation<StringValue>>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(switchboard.invoke(ECHO, text("call-" + i), CallContext.begin("c-" + i)));
    }
    Blocking.await(Future.join(calls).otherwiseEmpty());
    return calls;
  }

  private static long failedWith(List<Future<Invocation<StringValue>>> calls, ErrorCode code) {
    return calls.stream().filter(call -> call.failed() && call.cause() instanceof OperationException failure
        && failure.code() == code).count();
  }

  @Nested
  @DisplayName("capacityPerSecond")
  class Capacity {

    @Test
    @DisplayName("event mode: commands beyond the capacity wait for their slot, none is dropped, and their starts are spread out")
    void commandsWait(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("defaults.mode", "event",
          "operations.test.echo.faults.capacityPerSecond", "20"));
      List<Long> starts = new CopyOnWriteArrayList<>();
      List<String> results = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        starts.add(System.nanoTime());
        return Future.succeededFuture(request);
      }).compose(serving -> switchboard.onResult(ECHO, result -> results.add(result.reply().getValue()))));

      List<Future<Invocation<StringValue>>> calls = invokeAtOnce(switchboard, 10);

      assertThat(calls).allMatch(call -> call.succeeded() && call.result() instanceof Invocation.Accepted);
      Eventually.holds("10 results", SETTLE, () -> results.size() == 10);
      // 10 starts at 20 a second take at least 9 intervals of 50 ms (however slow the machine)
      long spreadMs = Duration.ofNanos(starts.stream().max(Long::compare).orElseThrow()
          - starts.stream().min(Long::compare).orElseThrow()).toMillis();
      assertThat(spreadMs).as("time from the first start to the last").isGreaterThanOrEqualTo(400);
    }

    @Test
    @DisplayName("rpc mode: a call whose slot would come after its deadline is refused at once with RESOURCE_EXHAUSTED, taking no slot")
    void rpcBeyondDeadlineRefused(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("operations.test.echo.timeoutMs", "300",
          "operations.test.echo.faults.capacityPerSecond", "2"));
      Blocking.await(switchboard.serve(ECHO, (request, context) -> Future.succeededFuture(request)));

      List<Future<Invocation<StringValue>>> calls = invokeAtOnce(switchboard, 3);

      assertThat(calls.stream().filter(Future::succeeded).count()).as("calls served").isEqualTo(1);
      assertThat(failedWith(calls, ErrorCode.RESOURCE_EXHAUSTED)).as("calls refused").isEqualTo(2);
      assertThat(calls.stream().filter(Future::failed).map(Future::cause))
          .allSatisfy(refused -> assertThat(refused).hasMessage(
              "test.echo: over its capacity of 2 calls/s (injected fault)"));
      // the next slot is the one after the served call's: had a refused call taken one, a call now
      // (over 500 ms later) would have to wait past its 300 ms deadline
      Blocking.await(vertx.timer(600));
      assertThat(invokeAtOnce(switchboard, 1)).allMatch(Future::succeeded);
    }

    @Test
    @DisplayName("rpc mode: calls that can start before their deadline wait for their slot and are served")
    void rpcWithinDeadlineWait(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("operations.test.echo.timeoutMs", "10000",
          "operations.test.echo.faults.capacityPerSecond", "5"));
      List<Long> starts = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        starts.add(System.nanoTime());
        return Future.succeededFuture(request);
      }));

      assertThat(invokeAtOnce(switchboard, 3)).allMatch(Future::succeeded);
      assertThat(Duration.ofNanos(starts.get(2) - starts.get(0)).toMillis()).as("first to third start")
          .isGreaterThanOrEqualTo(350);
    }

    @Test
    @DisplayName("set at run time: limits an operation that had no fault, and clearing it lifts the limit")
    void setAtRunTime(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("operations.test.echo.timeoutMs", "300"));
      Blocking.await(switchboard.serve(ECHO, (request, context) -> Future.succeededFuture(request)));
      assertThat(invokeAtOnce(switchboard, 3)).allMatch(Future::succeeded);

      switchboard.faults().set(ECHO.name(), FaultSettings.NONE.withCapacityPerSecond(2));
      assertThat(failedWith(invokeAtOnce(switchboard, 3), ErrorCode.RESOURCE_EXHAUSTED)).isEqualTo(2);

      switchboard.faults().set(ECHO.name(), FaultSettings.NONE);
      assertThat(invokeAtOnce(switchboard, 3)).allMatch(Future::succeeded);
    }
  }

  @Nested
  @DisplayName("latency")
  class Latency {

    @Test
    @DisplayName("a hung operation recovers: calls waiting out its latency go on when the fault is cleared")
    void clearedWhileWaiting(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("defaults.mode", "event",
          "operations.test.echo.faults.latencyMs", "600000"));
      List<String> handled = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        handled.add(request.getValue());
        return Future.succeededFuture(request);
      }));
      for (int i = 0; i < 3; i++) {
        Blocking.await(switchboard.invoke(ECHO, text("hung-" + i), CallContext.begin("h-" + i)));
      }
      Eventually.holds("the commands wait in the injected latency", SETTLE, () -> inFlight(switchboard) == 3);
      assertThat(handled).isEmpty();

      switchboard.faults().set(ECHO.name(), FaultSettings.NONE);

      Eventually.holds("every waiting command handled", SETTLE, () -> handled.size() == 3);
    }

    @Test
    @DisplayName("changed to an outage while calls wait: they fail UNAVAILABLE instead of waiting on")
    void turnedDownWhileWaiting(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("operations.test.echo.faults.latencyMs", "600000",
          "operations.test.echo.timeoutMs", "60000"));
      Blocking.await(switchboard.serve(ECHO, (request, context) -> Future.succeededFuture(request)));
      Future<Invocation<StringValue>> call = switchboard.invoke(ECHO, text("hung"), CallContext.begin("h"));
      Eventually.holds("the call waits in the injected latency", SETTLE, () -> inFlight(switchboard) == 1);

      switchboard.faults().set(ECHO.name(), FaultSettings.NONE.withDown(true));

      Blocking.await(call.otherwiseEmpty());
      assertThat(call.failed()).isTrue();
      assertThat(((OperationException) call.cause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    private static int inFlight(Switchboard switchboard) {
      return switchboard.metrics().inFlightByOperation().getOrDefault(ECHO.name(), 0);
    }
  }

  // ---------------------------------------------------------------- duplicates

  /** A transactional handler whose effect is a row per run (table {@code effects}); its reply differs per run. */
  private static TransactionalHandler<StringValue, StringValue> effect() {
    return (request, context, store) -> {
      try (PreparedStatement insert = store.prepareStatement("INSERT INTO effects (message_id) VALUES (?)")) {
        insert.setString(1, context.messageId());
        insert.executeUpdate();
      }
      return text(request.getValue() + "/" + UUID.randomUUID());
    };
  }

  private static void createEffects(Switchboard switchboard) {
    StoreRows.execute(switchboard.store(),
        "CREATE TABLE effects (id BIGINT AUTO_INCREMENT PRIMARY KEY, message_id VARCHAR(500) NOT NULL)");
  }

  private static long effects(Switchboard switchboard) {
    return Blocking.await(switchboard.store().queryLong("SELECT COUNT(*) FROM effects"));
  }

  private static double injected(Switchboard switchboard, String operation) {
    return switchboard.metrics().registry().find(SwitchboardMetrics.INJECTED_DUPLICATES).tag("operation", operation)
        .counters().stream().mapToDouble(Counter::count).sum();
  }

  private static long handled(Switchboard switchboard, String operation, String outcome) {
    return switchboard.metrics().registry().find(SwitchboardMetrics.HANDLED).tag("operation", operation)
        .tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
  }

  @Nested
  @DisplayName("duplicateRate and dedup")
  class Duplicates {

    @ParameterizedTest(name = "{0} mode, dedup={1}")
    @CsvSource({"rpc, true", "event, true", "rpc, false", "event, false"})
    @DisplayName("every command delivered twice: with dedup one effect each and the duplicates counted, without it two")
    void commandsDeliveredTwice(String mode, boolean dedup, Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("defaults.mode", mode,
          "operations.test.echo.faults.duplicateRate", "1", "operations.test.echo.faults.dedup", Boolean.toString(dedup)));
      createEffects(switchboard);
      Blocking.await(switchboard.serve(ECHO_IN_STORE, effect()));

      for (int i = 0; i < 5; i++) {
        Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c-" + i), "msg-" + i));
      }

      Eventually.holds("5 duplicates injected", SETTLE, () -> injected(switchboard, ECHO.name()) == 5);
      if (dedup) {
        Eventually.holds("5 duplicates recognised", SETTLE, () -> handled(switchboard, ECHO.name(), "duplicate") == 5);
        assertThat(effects(switchboard)).as("effects").isEqualTo(5);
      } else {
        Eventually.holds("10 effects", SETTLE, () -> effects(switchboard) == 10);
        assertThat(handled(switchboard, ECHO.name(), "duplicate")).isZero();
      }
    }

    @ParameterizedTest(name = "subscriber in {0} mode, dedup={1}")
    @CsvSource({"rpc, true", "event, true", "rpc, false", "event, false"})
    @DisplayName("every event delivered twice to a subscriber: with dedup one effect each, without it two")
    void eventsDeliveredTwice(String mode, boolean dedup, Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("defaults.mode", mode,
          "operations.audit.record.faults.duplicateRate", "1",
          "operations.audit.record.faults.dedup", Boolean.toString(dedup)));
      createEffects(switchboard);
      Blocking.await(Future.all(switchboard.serve(AUDIT_IN_STORE, effect()),
          switchboard.serve(MAIL, (event, context) -> Future.succeededFuture(event))));

      for (int i = 0; i < 5; i++) {
        Blocking.await(switchboard.emit("test.events", "event-" + i, text("placed"), CallContext.begin("c-" + i)));
      }

      Eventually.holds("5 duplicates injected", SETTLE, () -> injected(switchboard, AUDIT.name()) == 5);
      if (dedup) {
        Eventually.holds("5 duplicates recognised", SETTLE,
            () -> handled(switchboard, AUDIT.name(), "duplicate") == 5);
        assertThat(effects(switchboard)).as("effects").isEqualTo(5);
      } else {
        Eventually.holds("10 effects", SETTLE, () -> effects(switchboard) == 10);
      }
    }

    @Test
    @DisplayName("set at run time: duplicates and deduplication off take effect without a restart")
    void setAtRunTime(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("defaults.mode", "event"));
      createEffects(switchboard);
      Blocking.await(switchboard.serve(ECHO_IN_STORE, effect()));
      Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c-0"), "msg-0"));
      Eventually.holds("1 effect", SETTLE, () -> effects(switchboard) == 1);

      FaultSettings faults = FaultSettings.NONE.withDuplicateRate(1.0).withDedup(false);
      switchboard.faults().set(ECHO.name(), faults);
      assertThat(switchboard.faults().get(ECHO.name())).isEqualTo(faults);
      Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c-1"), "msg-1"));
      Eventually.holds("2 more effects", SETTLE, () -> effects(switchboard) == 3);

      switchboard.faults().set(ECHO.name(), faults.withDedup(true));
      Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c-2"), "msg-2"));
      Eventually.holds("the duplicate recognised", SETTLE, () -> handled(switchboard, ECHO.name(), "duplicate") == 1);
      assertThat(effects(switchboard)).isEqualTo(4);
    }

    @Test
    @DisplayName("read from configuration: the keys under operations.<name>.faults")
    void readFromConfiguration(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, settings("operations.test.echo.faults.capacityPerSecond", "50",
          "operations.test.echo.faults.duplicateRate", "0.25", "operations.test.echo.faults.dedup", "false"));

      assertThat(switchboard.faults().get(ECHO.name())).isEqualTo(new FaultSettings(0, 0.0, false, 50, 0.25, false));
      assertThat(switchboard.faults().deduplicates(ECHO.name())).isFalse();
      assertThat(switchboard.faults().get(AUDIT.name())).isEqualTo(FaultSettings.NONE);
    }
  }

  @Nested
  @DisplayName("rpc-mode commands of a transactional handler")
  class RpcDeduplication {

    @Test
    @DisplayName("the same message id invoked twice takes effect once and gets the same reply; another id takes effect again")
    void sameMessageIdOnce(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, Map.of());
      createEffects(switchboard);
      Blocking.await(switchboard.serve(ECHO_IN_STORE, effect()));

      StringValue first = Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1"))
          .reply().orElseThrow();
      StringValue again = Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1"))
          .reply().orElseThrow();
      assertThat(again).isEqualTo(first);
      assertThat(effects(switchboard)).isEqualTo(1);
      assertThat(handled(switchboard, ECHO.name(), "duplicate")).isEqualTo(1);

      StringValue other = Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-2"))
          .reply().orElseThrow();
      assertThat(other).isNotEqualTo(first);
      assertThat(effects(switchboard)).isEqualTo(2);
    }

    @Test
    @DisplayName("the same message id invoked twice at once: one effect, both callers get the same reply")
    void sameMessageIdAtOnce(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, Map.of());
      createEffects(switchboard);
      Blocking.await(switchboard.serve(ECHO_IN_STORE, effect()));

      var both = Blocking.await(Future.all(
          switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1"),
          switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1")));

      assertThat(both.<Invocation<StringValue>>resultAt(0).reply())
          .isEqualTo(both.<Invocation<StringValue>>resultAt(1).reply());
      assertThat(effects(switchboard)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config", "run time"})
    @DisplayName("with deduplication off, the same message id takes effect twice")
    void dedupOff(String how, Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, how.equals("config")
          ? Map.of("operations.test.echo.faults.dedup", "false") : Map.of());
      if (how.equals("run time")) {
        switchboard.faults().set(ECHO.name(), FaultSettings.NONE.withDedup(false));
      }
      createEffects(switchboard);
      Blocking.await(switchboard.serve(ECHO_IN_STORE, effect()));

      StringValue first = Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1"))
          .reply().orElseThrow();
      StringValue again = Blocking.await(switchboard.invoke(ECHO, text("pay"), CallContext.begin("c"), "msg-1"))
          .reply().orElseThrow();

      assertThat(again).isNotEqualTo(first);
      assertThat(effects(switchboard)).isEqualTo(2);
    }
  }
}
