package dev.switchboard.platform;

import dev.switchboard.node.Blocking;
import com.google.protobuf.StringValue;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.saga.SagaStore;
import dev.switchboard.platform.saga.SagaDefinition;
import dev.switchboard.platform.saga.SagaEngine;
import dev.switchboard.platform.saga.SagaRecord;
import dev.switchboard.platform.saga.SagaStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The saga engine")
class SagaEngineTest {

  private static final Operation<StringValue, StringValue> BOOK =
      Operation.of("trip.book", StringValue.parser(), StringValue.parser());
  private static final Operation<StringValue, StringValue> CANCEL =
      Operation.of("trip.cancel", StringValue.parser(), StringValue.parser());
  private static final Operation<StringValue, StringValue> PAY =
      Operation.of("trip.pay", StringValue.parser(), StringValue.parser());

  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger aborted = new AtomicInteger();
  private final Promise<String> ended = Promise.promise();

  /** The platform with trip.book served (it always succeeds) and an engine over an in-memory store (H2 in memory). */
  private record Rig(Switchboard switchboard, SagaEngine engine) {
  }

  private Rig rig(Vertx vertx, String mode, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(more);
    settings.put("defaults.mode", mode);
    settings.put("saga.compensation.backoffMs", "5");
    OperationCatalog catalog = new OperationCatalog(List.of(BOOK, CANCEL, PAY));
    Switchboard switchboard = Blocking.await(Switchboard.create(vertx, catalog,
        PlatformConfig.from(Settings.of(settings), catalog.names()), new SwitchboardMetrics(new SimpleMeterRegistry())));
    switchboard.serve(BOOK, (request, context) -> Future.succeededFuture(StringValue.of("booking-1")));
    return new Rig(switchboard, new SagaEngine(vertx, switchboard,
        SagaStore.of(switchboard)));
  }

  private SagaDefinition<StringValue> trip() {
    return SagaDefinition.builder("trip", StringValue.parser())
        .step(BOOK, data -> data, (data, booking) -> StringValue.of(booking.getValue()), CANCEL, data -> data)
        .step(PAY, data -> data, (data, receipt) -> data)
        .onCompleted((data, context) -> {
          completed.incrementAndGet();
          ended.tryComplete("completed");
          return Future.succeededFuture();
        })
        .onAborted((data, reason, context) -> {
          aborted.incrementAndGet();
          ended.tryComplete(reason);
          return Future.succeededFuture();
        })
        .build();
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("a failing step compensates the earlier ones; a failing compensation is retried until it succeeds")
  void compensationIsRetried(String mode, Vertx vertx, VertxTestContext test) {
    Rig rig = rig(vertx, mode, Map.of("saga.compensation.maxAttempts", "5"));
    Switchboard switchboard = rig.switchboard();
    SagaEngine engine = rig.engine();
    AtomicInteger cancelAttempts = new AtomicInteger();
    SagaDefinition<StringValue> trip = trip();
    Future.all(
            switchboard.serve(PAY, (request, context) ->
                Future.failedFuture(new OperationException(ErrorCode.FAILED_PRECONDITION, "card expired"))),
            switchboard.serve(CANCEL, (request, context) -> cancelAttempts.incrementAndGet() < 3
                ? Future.failedFuture(new OperationException(ErrorCode.INTERNAL, "cancel desk busy"))
                : Future.succeededFuture(request)))
        .compose(serving -> engine.register(trip))
        .compose(registered -> engine.start(trip, "trip-1", StringValue.of("lisbon"), CallContext.begin("c-1")))
        .compose(started -> ended.future())
        .compose(reason -> engine.store().load("trip-1").map(record -> Map.entry(reason, record.orElseThrow())))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          SagaRecord record = outcome.getValue();
          assertThat(record.status()).isEqualTo(SagaStatus.COMPENSATED);
          assertThat(outcome.getKey()).isEqualTo("trip.pay: card expired");
          assertThat(cancelAttempts).hasValue(3);
          assertThat(aborted).hasValue(1);
          assertThat(completed).hasValue(0);
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("a compensation that keeps failing ends the saga FAILED, once, with both reasons")
  void compensationGivesUp(String mode, Vertx vertx, VertxTestContext test) {
    Rig rig = rig(vertx, mode, Map.of("saga.compensation.maxAttempts", "3"));
    Switchboard switchboard = rig.switchboard();
    SagaEngine engine = rig.engine();
    SagaDefinition<StringValue> trip = trip();
    Future.all(
            switchboard.serve(PAY, (request, context) ->
                Future.failedFuture(new OperationException(ErrorCode.FAILED_PRECONDITION, "card expired"))),
            switchboard.serve(CANCEL, (request, context) ->
                Future.failedFuture(new OperationException(ErrorCode.INTERNAL, "cancel desk closed"))))
        .compose(serving -> engine.register(trip))
        .compose(registered -> engine.start(trip, "trip-2", StringValue.of("porto"), CallContext.begin("c-2")))
        .compose(started -> ended.future())
        .compose(reason -> engine.store().load("trip-2").map(record -> Map.entry(reason, record.orElseThrow())))
        .onComplete(test.succeeding(outcome -> test.verify(() -> {
          assertThat(outcome.getValue().status()).isEqualTo(SagaStatus.FAILED);
          assertThat(outcome.getKey()).startsWith("trip.pay: card expired; compensation trip.cancel failed after 3 attempts")
              .contains("cancel desk closed");
          assertThat(aborted).hasValue(1);
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("starting the same saga twice runs it once")
  void startIsIdempotent(String mode, Vertx vertx, VertxTestContext test) {
    Rig rig = rig(vertx, mode, Map.of());
    Switchboard switchboard = rig.switchboard();
    SagaEngine engine = rig.engine();
    AtomicInteger payments = new AtomicInteger();
    SagaDefinition<StringValue> trip = trip();
    Future.all(
            switchboard.serve(PAY, (request, context) -> {
              payments.incrementAndGet();
              return Future.succeededFuture(request);
            }),
            switchboard.serve(CANCEL, (request, context) -> Future.succeededFuture(request)))
        .compose(serving -> engine.register(trip))
        .compose(registered -> Future.all(
            engine.start(trip, "trip-3", StringValue.of("faro"), CallContext.begin("c-3")),
            engine.start(trip, "trip-3", StringValue.of("faro"), CallContext.begin("c-3"))))
        .compose(started -> ended.future())
        .compose(done -> vertx.timer(50))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(completed).hasValue(1);
          assertThat(payments).hasValue(1);
          test.completeNow();
        })));
  }

  /** The number of open sagas once it is zero, or after {@code polls} polls. */
  private static Future<Long> closed(Vertx vertx, Switchboard switchboard, int polls) {
    return switchboard.store().queryLong("SELECT COUNT(*) FROM sb_saga WHERE open").compose(open ->
        open == 0 || polls == 0 ? Future.succeededFuture(open)
            : vertx.timer(10).compose(waited -> closed(vertx, switchboard, polls - 1)));
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("an end hook that fails is run again by the sweeper until it succeeds; then the saga closes")
  void failedEndHookIsRunAgain(String mode, Vertx vertx, VertxTestContext test) {
    Rig rig = rig(vertx, mode, Map.of("saga.stallAfterMs", "100"));
    Switchboard switchboard = rig.switchboard();
    SagaEngine engine = rig.engine();
    AtomicInteger hookRuns = new AtomicInteger();
    SagaDefinition<StringValue> trip = SagaDefinition.builder("trip", StringValue.parser())
        .step(BOOK, data -> data, (data, booking) -> data, CANCEL, data -> data)
        .onCompleted((data, context) -> hookRuns.incrementAndGet() < 3
            ? Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE, "mailer down"))
            : Future.succeededFuture().onSuccess(done -> ended.tryComplete("completed")).mapEmpty())
        .build();
    switchboard.serve(CANCEL, (request, context) -> Future.succeededFuture(request))
        .compose(serving -> engine.register(trip))
        .onSuccess(registered -> engine.startSweeper())
        .compose(registered -> engine.start(trip, "trip-4", StringValue.of("braga"), CallContext.begin("c-4")))
        .compose(started -> ended.future())
        .compose(done -> closed(vertx, switchboard, 500))
        .onComplete(test.succeeding(open -> test.verify(() -> {
          assertThat(hookRuns).hasValue(3);
          assertThat(open).isZero();
          engine.stop();
          test.completeNow();
        })));
  }
}
