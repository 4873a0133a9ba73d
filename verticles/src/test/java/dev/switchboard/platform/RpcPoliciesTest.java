package dev.switchboard.platform;

import com.google.protobuf.StringValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.config.RpcPolicy;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.Eventually;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchboard.platform.SwitchboardTest.ECHO;
import static dev.switchboard.platform.SwitchboardTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The caller's policies of rpc calls: retries for idempotent operations only, a circuit breaker per
 * operation (per target over grpc) and a concurrency limit with a queue. Behaviour is asserted by
 * counts and order, never by how long something took.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("rpc policies per operation")
class RpcPoliciesTest {

  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final String OP = "operations.test.echo.";

  private static Switchboard switchboard(Vertx vertx, String... keysAndValues) {
    Map<String, String> settings = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      settings.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return SwitchboardTest.switchboard(vertx, settings);
  }

  /** Serves ECHO with a handler that counts its runs and fails while {@code failure} says so. */
  private static AtomicInteger serveCounting(Switchboard switchboard, java.util.function.IntFunction<ErrorCode> failure) {
    AtomicInteger runs = new AtomicInteger();
    Blocking.await(switchboard.serve(ECHO, (request, context) -> {
      ErrorCode code = failure.apply(runs.incrementAndGet());
      return code == null ? Future.succeededFuture(request)
          : Future.failedFuture(new OperationException(code, "test.echo failed on run " + runs.get()));
    }));
    return runs;
  }

  private static Throwable failureOf(Future<?> call) {
    Throwable failure = catchThrowable(() -> Blocking.await(call, 30_000, () -> new IllegalStateException("no outcome within 30 s")));
    assertThat(failure).isInstanceOf(OperationException.class);
    return failure;
  }

  private static ErrorCode codeOf(Future<?> call) {
    return ((OperationException) failureOf(call)).code();
  }

  private static Future<Invocation<StringValue>> call(Switchboard switchboard, String value) {
    return switchboard.invoke(ECHO, text(value), CallContext.begin("c-" + value));
  }

  private static double counted(Switchboard switchboard, String name, String tag, String value) {
    return switchboard.metrics().registry().find(name).tag("operation", ECHO.name()).tag(tag, value)
        .counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double retries(Switchboard switchboard) {
    return switchboard.metrics().registry().find(SwitchboardMetrics.CALL_RETRIES).tag("operation", ECHO.name())
        .counters().stream().mapToDouble(Counter::count).sum();
  }

  /** The breaker state gauge of ECHO at {@code target}: 0 closed, 1 half-open, 2 open; -1 if absent. */
  private static double breakerState(Switchboard switchboard, String target) {
    Gauge gauge = switchboard.metrics().registry().find(SwitchboardMetrics.BREAKER_STATE)
        .tag("operation", ECHO.name()).tag("target", target).gauge();
    return gauge == null ? -1 : gauge.value();
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {

    @Test
    @DisplayName("everything is off by default: not idempotent, no breaker, no limit")
    void offByDefault(Vertx vertx) {
      assertThat(switchboard(vertx).config().operation(ECHO.name()).policy()).isEqualTo(RpcPolicy.NONE);
    }

    @Test
    @DisplayName("read from the keys under operations.<name>")
    void readFromKeys(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "breaker.failures", "4",
          OP + "breaker.windowMs", "2000", OP + "breaker.resetMs", "700", OP + "maxConcurrent", "8",
          OP + "maxQueued", "16");
      assertThat(switchboard.config().operation(ECHO.name()).policy())
          .isEqualTo(new RpcPolicy(true, 4, 2000, 700, 8, 16));
      assertThat(breakerState(switchboard, "local")).as("breaker gauge, shown from the start").isZero();
    }

    @Test
    @DisplayName("fallback: event on the event bus for an operation served in another process (grpc) is refused"
        + " at start-up unless the event bus is clustered: its commands would reach nobody")
    void fallbackOnUnclusteredBusRefused(Vertx vertx) {
      Throwable refused = catchThrowable(() -> switchboard(vertx, OP + "transport", "grpc",
          OP + "target", "127.0.0.1:9", "internal.token", "a-test-token-of-some-length", OP + "idempotent", "true",
          OP + "fallback", "event", OP + "fallbackTransport", "local"));

      assertThat(refused).isInstanceOf(ConfigException.class);
      assertThat(((ConfigException) refused).key()).isEqualTo(OP + "fallbackTransport");
      assertThat(refused.getMessage()).contains("'local'", "clustered event bus", "served in another process");
    }
  }

  @Nested
  @DisplayName("retries")
  class Retries {

    @Test
    @DisplayName("an idempotent operation is called again after uncertain failures, with the same message id, until it answers")
    void idempotentRetried(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "retries", "5",
          OP + "retryBackoffMs", "10");
      List<String> messageIds = new CopyOnWriteArrayList<>();
      AtomicInteger runs = new AtomicInteger();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        messageIds.add(context.messageId());
        return runs.incrementAndGet() <= 2
            ? Future.failedFuture(new OperationException(ErrorCode.INTERNAL, "flaky"))
            : Future.succeededFuture(request);
      }));

      Invocation<StringValue> reply = Blocking.await(switchboard.invoke(ECHO, text("x"), CallContext.begin("c"), "m-1"));

      assertThat(reply.reply()).contains(text("x"));
      assertThat(runs).as("handler runs").hasValue(3);
      assertThat(retries(switchboard)).as("retries counted").isEqualTo(2);
      assertThat(messageIds).containsOnly("m-1");
    }

    @Test
    @DisplayName("an idempotent operation that is down recovers once it is back, the retries counted")
    void recoversFromOutage(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "retries", "30",
          OP + "retryBackoffMs", "20", OP + "faults.down", "true");
      AtomicInteger runs = serveCounting(switchboard, run -> null);

      Future<Invocation<StringValue>> reply = call(switchboard, "x");
      Eventually.holds("two retries of the call", SETTLE, () -> retries(switchboard) >= 2);
      switchboard.faults().set(ECHO.name(), FaultSettings.NONE);

      assertThat(Blocking.await(reply).reply()).contains(text("x"));
      assertThat(runs).as("handler runs once it is back").hasValue(1);
    }

    @Test
    @DisplayName("an operation not declared idempotent is called once: its failure reaches the caller")
    void notIdempotentNotRetried(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "retries", "5", OP + "retryBackoffMs", "10");
      AtomicInteger runs = serveCounting(switchboard, run -> ErrorCode.INTERNAL);

      assertThat(codeOf(call(switchboard, "x"))).isEqualTo(ErrorCode.INTERNAL);
      assertThat(runs).as("handler runs").hasValue(1);
      assertThat(retries(switchboard)).isZero();
    }

    @Test
    @DisplayName("a business refusal is not retried, even for an idempotent operation")
    void refusalNotRetried(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "retries", "5",
          OP + "retryBackoffMs", "10");
      AtomicInteger runs = serveCounting(switchboard, run -> ErrorCode.FAILED_PRECONDITION);

      assertThat(codeOf(call(switchboard, "x"))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
      assertThat(runs).hasValue(1);
      assertThat(retries(switchboard)).isZero();
    }

    @Test
    @DisplayName("without a caller's deadline, retries stop at the operation's own timeoutMs")
    void stopAtOperationTimeout(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "retries", "100",
          OP + "retryBackoffMs", "10", OP + "timeoutMs", "1500", OP + "faults.down", "true");
      serveCounting(switchboard, run -> null);

      Throwable failure = failureOf(switchboard.invoke(ECHO, text("x"), CallContext.begin("c")));

      assertThat(((OperationException) failure).code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED);
      assertThat(retries(switchboard)).as("retries made").isGreaterThanOrEqualTo(1).isLessThan(100);
    }

    @Test
    @DisplayName("retries stop at the caller's deadline, long before the retries run out")
    void stopAtDeadline(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "idempotent", "true", OP + "retries", "100",
          OP + "retryBackoffMs", "10", OP + "faults.down", "true");
      serveCounting(switchboard, run -> null);
      CallContext withDeadline = CallContext.begin("c").withDeadline(System.currentTimeMillis() + 1_500);

      Throwable failure = failureOf(switchboard.invoke(ECHO, text("x"), withDeadline));

      assertThat(((OperationException) failure).code()).isIn(ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED);
      assertThat(retries(switchboard)).as("retries made").isGreaterThanOrEqualTo(1).isLessThan(100);
    }
  }

  @Nested
  @DisplayName("circuit breaker")
  class Breaker {

    @Test
    @DisplayName("opens after breaker.failures uncertain failures, then fails fast with UNAVAILABLE naming it, without calling")
    void opensAndFailsFast(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "breaker.failures", "3", OP + "breaker.windowMs", "60000",
          OP + "breaker.resetMs", "60000");
      AtomicInteger runs = serveCounting(switchboard, run -> ErrorCode.INTERNAL);

      for (int i = 0; i < 3; i++) {
        assertThat(codeOf(call(switchboard, "x" + i))).isEqualTo(ErrorCode.INTERNAL);
      }
      assertThat(breakerState(switchboard, "local")).as("breaker state").isEqualTo(2);

      Throwable refused = failureOf(call(switchboard, "y"));
      assertThat(((OperationException) refused).code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(refused.getMessage())
          .matches("test\\.echo: circuit breaker open \\(3 failures in 60000 ms\\); retry after \\d+ ms");
      assertThat(runs).as("handler runs").hasValue(3);
      assertThat(counted(switchboard, SwitchboardMetrics.CALL_REJECTIONS, "reason", "breaker_open")).isEqualTo(1);
    }

    @Test
    @DisplayName("half-opens after breaker.resetMs and closes when the trial call succeeds")
    void halfOpensAndCloses(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "breaker.failures", "2", OP + "breaker.resetMs", "2000");
      AtomicBoolean failing = new AtomicBoolean(true);
      AtomicInteger runs = serveCounting(switchboard, run -> failing.get() ? ErrorCode.UNAVAILABLE : null);
      codeOf(call(switchboard, "a"));
      codeOf(call(switchboard, "b"));
      failing.set(false);
      assertThat(codeOf(call(switchboard, "c"))).as("while open").isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(runs).hasValue(2);

      Eventually.holds("the breaker half-open", SETTLE, () -> breakerState(switchboard, "local") == 1);
      assertThat(Blocking.await(call(switchboard, "d")).reply()).contains(text("d"));
      assertThat(breakerState(switchboard, "local")).as("closed after the trial call").isZero();
      assertThat(Blocking.await(call(switchboard, "e")).reply()).contains(text("e"));
      assertThat(runs).hasValue(4);
    }

    @Test
    @DisplayName("a business refusal (FAILED_PRECONDITION) does not count against the breaker")
    void refusalDoesNotTrip(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "breaker.failures", "2", OP + "breaker.resetMs", "60000");
      AtomicInteger runs = serveCounting(switchboard, run -> ErrorCode.FAILED_PRECONDITION);

      for (int i = 0; i < 5; i++) {
        assertThat(codeOf(call(switchboard, "x" + i))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
      }
      assertThat(runs).hasValue(5);
      assertThat(breakerState(switchboard, "local")).isZero();
    }

    @Test
    @DisplayName("over grpc each target has its breaker: an unreachable one opens and is named")
    void perGrpcTarget(Vertx vertx) {
      String target = "127.0.0.1:1"; // nothing listens there: connection refused
      Switchboard switchboard = switchboard(vertx, OP + "transport", "grpc", OP + "target", target,
          "internal.token", "a-test-token-of-some-length", OP + "breaker.failures", "2", OP + "breaker.resetMs", "60000");
      assertThat(breakerState(switchboard, target)).isZero();

      assertThat(codeOf(call(switchboard, "a"))).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(codeOf(call(switchboard, "b"))).isEqualTo(ErrorCode.UNAVAILABLE);
      Throwable refused = failureOf(call(switchboard, "c"));

      assertThat(refused).hasMessageStartingWith("test.echo: circuit breaker for " + target + " open (2 failures in ");
      assertThat(((OperationException) refused).refused()).isTrue();
      assertThat(breakerState(switchboard, target)).isEqualTo(2);
    }

    @Test
    @DisplayName("over grpc a target whose breaker is open is skipped: the calls go to the target that serves")
    void openTargetSkipped(Vertx vertx) {
      String token = "rpc-policies-test-token-0123456789";
      Switchboard callee = switchboard(vertx, "internal.token", token, "internal.port", "0");
      AtomicInteger runs = serveCounting(callee, run -> null);
      int port = Blocking.await(callee.internalServer().listen(() -> true));
      String dead = "127.0.0.1:1";
      Switchboard caller = switchboard(vertx, OP + "transport", "grpc", OP + "target", dead + ",127.0.0.1:" + port,
          "internal.token", token, OP + "breaker.failures", "1", OP + "breaker.resetMs", "60000");

      for (int i = 0; i < 4; i++) {
        assertThat(Blocking.await(call(caller, "x" + i)).reply()).contains(text("x" + i));
      }

      assertThat(runs).as("calls served").hasValue(4);
      assertThat(breakerState(caller, dead)).as("the dead target's breaker").isEqualTo(2);
      assertThat(breakerState(caller, "127.0.0.1:" + port)).as("the serving target's breaker").isZero();
      assertThat(counted(caller, SwitchboardMetrics.CALL_REJECTIONS, "reason", "breaker_open")).isGreaterThanOrEqualTo(1);
      Blocking.await(callee.internalServer().close());
    }
  }

  @Nested
  @DisplayName("concurrency limit")
  class Limit {

    @Test
    @DisplayName("calls beyond maxConcurrent + maxQueued get RESOURCE_EXHAUSTED at once; a queued one runs when a slot frees")
    void limitAndQueue(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "maxConcurrent", "2", OP + "maxQueued", "1",
          OP + "timeoutMs", "20000", OP + "faults.latencyMs", "500");
      List<String> events = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        events.add("run " + request.getValue());
        return Future.succeededFuture(request);
      }));

      List<Future<Invocation<StringValue>>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String name = "call-" + i;
        calls.add(call(switchboard, name).onComplete(done -> events.add((done.succeeded() ? "done " : "refused ") + name)));
      }
      Blocking.await(Future.join(calls).otherwiseEmpty());
      Eventually.holds("every outcome recorded", SETTLE, () -> events.stream().filter(e -> !e.startsWith("run")).count() == 5);

      assertThat(calls.subList(0, 3)).allMatch(Future::succeeded);
      assertThat(calls.subList(3, 5)).allSatisfy(refused -> {
        assertThat(codeOf(refused)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(refused.cause()).hasMessageContaining("concurrency limit reached");
      });
      assertThat(events.stream().filter(e -> e.startsWith("run")).count()).as("handler runs").isEqualTo(3);
      // the refusals came before any call was answered; the queued call ran only once one was done
      int firstDone = Math.min(events.indexOf("done call-0"), events.indexOf("done call-1"));
      assertThat(events.indexOf("refused call-3")).isLessThan(firstDone);
      assertThat(events.indexOf("refused call-4")).isLessThan(firstDone);
      assertThat(events.indexOf("run call-2")).isGreaterThan(firstDone);
      assertThat(counted(switchboard, SwitchboardMetrics.CALL_REJECTIONS, "reason", "limit_reached")).isEqualTo(2);
    }

    @Test
    @DisplayName("a queued call whose deadline comes before a free slot is refused with RESOURCE_EXHAUSTED, never sent")
    void queuedPastDeadline(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, OP + "maxConcurrent", "1", OP + "maxQueued", "1",
          OP + "timeoutMs", "20000", OP + "faults.latencyMs", "3000");
      List<String> events = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(ECHO, (request, context) -> {
        events.add("run " + request.getValue());
        return Future.succeededFuture(request);
      }));

      Future<Invocation<StringValue>> first = call(switchboard, "first")
          .onComplete(done -> events.add("done first"));
      Future<Invocation<StringValue>> queued = switchboard.invoke(ECHO, text("queued"),
              CallContext.begin("c-queued").withDeadline(System.currentTimeMillis() + 300))
          .onComplete(done -> events.add("refused queued"));

      assertThat(codeOf(queued)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
      assertThat(queued.cause()).hasMessageContaining("no call slot freed within");
      assertThat(Blocking.await(first).reply()).contains(text("first"));
      Eventually.holds("both outcomes recorded", SETTLE, () -> events.contains("done first")
          && events.contains("refused queued"));
      assertThat(events).as("the queued call never ran, and was refused before the first was answered")
          .containsSubsequence("refused queued", "done first").doesNotContain("run queued");
      assertThat(counted(switchboard, SwitchboardMetrics.CALL_REJECTIONS, "reason", "queue_timeout")).isEqualTo(1);
    }
  }
}
