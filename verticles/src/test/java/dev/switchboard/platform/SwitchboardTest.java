package dev.switchboard.platform;

import dev.switchboard.node.Blocking;
import com.google.protobuf.ListValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.DeadLetterStore;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.LocalTransport;
import dev.switchboard.testing.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The platform on its own, with operations that know nothing of the checkout. */
@ExtendWith(VertxExtension.class)
@DisplayName("Switchboard")
class SwitchboardTest {

  static final Operation<StringValue, StringValue> ECHO =
      Operation.of("test.echo", StringValue.parser(), StringValue.parser());
  static final Operation<StringValue, StringValue> AUDIT =
      Operation.subscriber("audit.record", "test.events", StringValue.parser(), StringValue.parser());
  static final Operation<StringValue, StringValue> MAIL =
      Operation.subscriber("mail.send", "test.events", StringValue.parser(), StringValue.parser());

  /** Subscribers of a stream of {@link Value}s, whose type is the kind set ({@link EventTypes}). */
  static final Operation<Value, Value> LISTS =
      Operation.subscriber("lists.keep", "test.values", Value.parser(), Value.parser()).takes(ListValue.getDescriptor());
  static final Operation<Value, Value> VALUES =
      Operation.subscriber("values.keep", "test.values", Value.parser(), Value.parser());

  static Switchboard switchboard(Vertx vertx, Map<String, String> settings) {
    OperationCatalog catalog = new OperationCatalog(List.of(ECHO, AUDIT, MAIL, LISTS, VALUES));
    return Blocking.await(Switchboard.create(vertx, catalog, PlatformConfig.from(Settings.of(settings),
        catalog.names()), new SwitchboardMetrics(new SimpleMeterRegistry())));
  }

  static StringValue text(String value) {
    return StringValue.of(value);
  }

  @Nested
  @DisplayName("invoking the same handler")
  class Invoking {

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"rpc", "event"})
    @DisplayName("call() gets the handler's reply in either mode: inline, or from the result event")
    void callGetsReplyInEitherMode(String mode, Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", mode));
      switchboard.serve(ECHO, (request, context) -> Future.succeededFuture(text(request.getValue().toUpperCase())))
          .compose(serving -> switchboard.call(ECHO, text("hello"), CallContext.begin("c-1")))
          .onComplete(test.succeeding(reply -> test.verify(() -> {
            assertThat(reply.getValue()).isEqualTo("HELLO");
            test.completeNow();
          })));
    }

    @Test
    @DisplayName("rpc mode: invoke completes with the reply; event mode: it is accepted and the result comes as an event")
    void invokeCompletesOrIsAccepted(Vertx vertx, VertxTestContext test) {
      Switchboard rpc = switchboard(vertx, Map.of("defaults.mode", "rpc"));
      rpc.serve(ECHO, (request, context) -> Future.succeededFuture(request))
          .compose(serving -> rpc.invoke(ECHO, text("x"), CallContext.begin("c")))
          .onComplete(test.succeeding(invocation -> test.verify(() -> {
            assertThat(invocation).isInstanceOf(Invocation.Completed.class);
            assertThat(invocation.reply()).contains(text("x"));
            test.completeNow();
          })));
    }

    @Test
    @DisplayName("rpc mode: a handler's refusal reaches the caller with its code and message")
    void refusalReachesCaller(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of());
      switchboard.serve(ECHO, (request, context) ->
              Future.failedFuture(new OperationException(ErrorCode.FAILED_PRECONDITION, "not today")))
          .compose(serving -> switchboard.invoke(ECHO, text("x"), CallContext.begin("c")))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(failure).isInstanceOf(OperationException.class).hasMessage("not today");
            assertThat(((OperationException) failure).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
            test.completeNow();
          })));
    }

    @Test
    @DisplayName("rpc mode: nobody serving the operation is UNAVAILABLE at once")
    void unservedIsUnavailable(Vertx vertx, VertxTestContext test) {
      switchboard(vertx, Map.of()).invoke(ECHO, text("x"), CallContext.begin("c"))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(((OperationException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(failure).hasMessageContaining("test.echo");
            test.completeNow();
          })));
    }

    @Test
    @DisplayName("event mode: nobody consuming the command on the local transport is UNAVAILABLE, not silently lost")
    void unconsumedCommandIsUnavailable(Vertx vertx, VertxTestContext test) {
      switchboard(vertx, Map.of("defaults.mode", "event", "operations.test.echo.timeoutMs", "200"))
          .invoke(ECHO, text("x"), CallContext.begin("c"))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(((OperationException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            test.completeNow();
          })));
    }

    @Test
    @DisplayName("rpc mode: a reply later than timeoutMs is DEADLINE_EXCEEDED naming the deadline")
    void slowReplyTimesOut(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("operations.test.echo.timeoutMs", "50",
          "operations.test.echo.faults.latencyMs", "500"));
      switchboard.serve(ECHO, (request, context) -> Future.succeededFuture(request))
          .compose(serving -> switchboard.invoke(ECHO, text("x"), CallContext.begin("c")))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(((OperationException) failure).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
            assertThat(failure).hasMessage("test.echo: no reply within 50 ms");
            test.completeNow();
          })));
    }
  }

  /** Delivers a "pay" command for ECHO on the event bus, as the transport would (an order-1 command). */
  static Future<?> deliverPay(Vertx vertx, String correlationId, String messageId) {
    Envelope command = Envelope.of(Buffer.buffer(text("pay").toByteArray()),
        new CallContext(correlationId, "order-1", messageId, "", Map.of()));
    return vertx.eventBus().request(LocalTransport.commandAddress(ECHO.name()), command.body(),
        new DeliveryOptions().setHeaders(command.headers()));
  }

  @Nested
  @DisplayName("consuming commands in event mode")
  class Consuming {

    @Test
    @DisplayName("the same command delivered twice runs the handler once and republishes its result")
    void redeliveredCommandRunsOnce(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event"));
      AtomicInteger runs = new AtomicInteger();
      List<String> results = new CopyOnWriteArrayList<>();
      var twoResults = test.checkpoint(2);
      Promise<Void> firstResult = Promise.promise();
      switchboard.serve(ECHO, (request, context) -> {
            runs.incrementAndGet();
            return Future.succeededFuture(text("paid"));
          })
          .compose(serving -> switchboard.onResult(ECHO, result -> test.verify(() -> {
            results.add(result.reply().getValue());
            assertThat(result.context().causationId()).isEqualTo("msg-1");
            assertThat(result.context().correlationId()).isEqualTo("c-9");
            assertThat(runs).hasValue(1);
            firstResult.tryComplete();
            twoResults.flag();
          })))
          .compose(listening -> deliverPay(vertx, "c-9", "msg-1"))
          // the redelivery comes once the first is done (one during the first follows it: see below)
          .compose(first -> firstResult.future())
          .compose(done -> deliverPay(vertx, "c-9", "msg-1"))
          .onFailure(test::failNow);
    }
  }

  @Nested
  @DisplayName("consuming a command redelivered while it runs")
  class ConsumingConcurrently {

    @Test
    @DisplayName("the redelivery follows the delivery in progress: the handler runs once, one result")
    void redeliveryDuringHandling(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event"));
      AtomicInteger runs = new AtomicInteger();
      List<String> results = new CopyOnWriteArrayList<>();
      switchboard.serve(ECHO, (request, context) -> {
            runs.incrementAndGet();
            return vertx.timer(300).map(done -> text("paid"));
          })
          .compose(serving -> switchboard.onResult(ECHO, result -> results.add(result.reply().getValue())))
          .compose(listening -> Future.all(deliverPay(vertx, "c-10", "msg-2"), deliverPay(vertx, "c-10", "msg-2")))
          .compose(sent -> vertx.timer(1_000))
          .onComplete(test.succeeding(waited -> test.verify(() -> {
            assertThat(runs).as("handler runs").hasValue(1);
            assertThat(results).as("result events").containsExactly("paid");
            test.completeNow();
          })));
    }
  }

  @Nested
  @DisplayName("emitting domain events")
  class Emitting {

    @ParameterizedTest(name = "subscribers in {0} mode")
    @ValueSource(strings = {"rpc", "event"})
    @DisplayName("every subscriber of the stream gets the event once")
    void fanOut(String mode, Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", mode));
      Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      var both = test.checkpoint(2);
      OperationHandler<StringValue, StringValue> audit = (event, context) -> {
        test.verify(() -> assertThat(seen.add("audit:" + context.messageId())).isTrue());
        both.flag();
        return Future.succeededFuture(event);
      };
      OperationHandler<StringValue, StringValue> mail = (event, context) -> {
        test.verify(() -> assertThat(seen.add("mail:" + context.messageId())).isTrue());
        both.flag();
        return Future.succeededFuture(event);
      };
      Future.all(switchboard.serve(AUDIT, audit), switchboard.serve(MAIL, mail))
          .compose(serving -> switchboard.emit("test.events", "event-1", text("placed"), CallContext.begin("c")))
          .onFailure(test::failNow);
    }

    @ParameterizedTest(name = "subscribers in {0} mode")
    @ValueSource(strings = {"rpc", "event"})
    @DisplayName("a subscriber that takes some types is handed only those, and records none of the others")
    void subscriberTakesItsTypes(String mode, Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", mode));
      List<String> lists = new CopyOnWriteArrayList<>();
      List<String> values = new CopyOnWriteArrayList<>();
      Blocking.await(Future.all(
          switchboard.serve(LISTS, (event, context) -> {
            lists.add(context.messageId() + " " + context.attributes().keySet());
            return Future.succeededFuture(event);
          }),
          switchboard.serve(VALUES, (event, context) -> {
            values.add(context.messageId());
            return Future.succeededFuture(event);
          })));
      Value struct = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
      Value list = Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build();
      Blocking.await(switchboard.emit("test.values", "event-struct", struct, CallContext.begin("c")));
      Blocking.await(switchboard.emit("test.values", "event-list", list, CallContext.begin("c")));

      Eventually.holds("the subscriber of every type has both", Duration.ofSeconds(10), () -> values.size() == 2);
      Eventually.holds("the subscriber of lists has its event", Duration.ofSeconds(10), () -> lists.size() == 1);
      assertThat(values).containsExactlyInAnyOrder("event-struct", "event-list");
      assertThat(lists).as("handed without the platform's attributes").containsExactly("event-list []");
      Eventually.holds("both records of values.keep", Duration.ofSeconds(10),
          () -> recordsOf(switchboard, VALUES).equals(List.of("event-list", "event-struct")));
      Eventually.holds("the one record of lists.keep", Duration.ofSeconds(10),
          () -> recordsOf(switchboard, LISTS).equals(List.of("event-list")));
    }

    @Test
    @DisplayName("an event on the stream from outside: its type decides too, and one without a type goes to all")
    void outsideEventsByType(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event"));
      List<String> lists = new CopyOnWriteArrayList<>();
      List<String> values = new CopyOnWriteArrayList<>();
      Blocking.await(Future.all(
          switchboard.serve(LISTS, (event, context) -> {
            lists.add(context.messageId());
            return Future.succeededFuture(event);
          }),
          switchboard.serve(VALUES, (event, context) -> {
            values.add(context.messageId());
            return Future.succeededFuture(event);
          })));
      Buffer struct = Buffer.buffer(Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build().toByteArray());
      // no audience: published by something other than the platform's emitter
      vertx.eventBus().publish(LocalTransport.streamAddress("test.values"), Envelope.of(struct,
          CallContext.begin("c").withMessageId("typed").withAttributes(Map.of(Emitter.TYPE, "google.protobuf.Struct"))));
      vertx.eventBus().publish(LocalTransport.streamAddress("test.values"), Envelope.of(struct,
          CallContext.begin("c").withMessageId("untyped")));

      Eventually.holds("values.keep has both", Duration.ofSeconds(10), () -> values.size() == 2);
      Eventually.holds("lists.keep has the untyped one", Duration.ofSeconds(10), () -> lists.size() == 1);
      assertThat(values).containsExactlyInAnyOrder("typed", "untyped");
      assertThat(lists).containsExactly("untyped");
    }

    @Test
    @DisplayName("a replay skips a dead letter of a type its subscriber no longer takes, saying why, and sends the others")
    void replaySkipsTypesNoLongerTaken(Vertx vertx) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event"));
      List<String> lists = new CopyOnWriteArrayList<>();
      Blocking.await(switchboard.serve(LISTS, (event, context) -> {
        lists.add(context.messageId());
        return Future.succeededFuture(event);
      }));
      // kept when lists.keep still took every type (a version before it named the types it takes)
      DeadLetterStore kept = new DeadLetterStore(switchboard.store());
      Value struct = Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build();
      Value list = Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build();
      Blocking.await(kept.keep(LISTS.name(), "test.values", Envelope.of(Buffer.buffer(struct.toByteArray()),
          CallContext.begin("c").withMessageId("dead-struct")
              .withAttributes(Map.of(Emitter.TYPE, EventTypes.of(struct)))), "INTERNAL", "failed", 3));
      Blocking.await(kept.keep(LISTS.name(), "test.values", Envelope.of(Buffer.buffer(list.toByteArray()),
          CallContext.begin("c").withMessageId("dead-list")
              .withAttributes(Map.of(Emitter.TYPE, EventTypes.of(list)))), "INTERNAL", "failed", 3));

      DeadLetterReplay.Report report = Blocking.await(switchboard.deadLetters().replay(LISTS.name(),
          java.util.Optional.empty()));

      assertThat(report.replayed()).as("replayed").isEqualTo(1);
      assertThat(report.skipped()).singleElement().satisfies(skipped -> assertThat(skipped.why())
          .contains("lists.keep no longer takes google.protobuf.Struct events"));
      Eventually.holds("lists.keep handed the list it takes", Duration.ofSeconds(10), () -> lists.size() == 1);
      assertThat(lists).containsExactly("dead-list");
      Map<String, Integer> replays = new java.util.HashMap<>();
      Blocking.await(switchboard.deadLetters().list(java.util.Optional.of(LISTS.name()), 10))
          .forEach(letter -> replays.put(letter.messageId(), letter.replays()));
      assertThat(replays).as("replays counted per message").containsEntry("dead-list", 1).containsEntry("dead-struct", 0);
    }

    private List<String> recordsOf(Switchboard switchboard, Operation<?, ?> consumer) {
      return Blocking.await(switchboard.store().transaction(connection -> {
        List<String> ids = new java.util.ArrayList<>();
        try (var select = connection.prepareStatement(
            "SELECT message_id FROM sb_processed WHERE consumer = ? ORDER BY message_id")) {
          select.setString(1, consumer.name());
          try (var rows = select.executeQuery()) {
            while (rows.next()) {
              ids.add(rows.getString(1));
            }
          }
        }
        return ids;
      }));
    }

    @Test
    @DisplayName("rpc mode couples the producer to its subscribers: a failing subscriber fails the emit")
    void rpcSubscriberFailureReachesProducer(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("operations.mail.send.faults.down", "true"));
      Future.all(switchboard.serve(AUDIT, (event, context) -> Future.succeededFuture(event)),
              switchboard.serve(MAIL, (event, context) -> Future.succeededFuture(event)))
          .compose(serving -> switchboard.emit("test.events", "event-1", text("placed"), CallContext.begin("c")))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(failure).hasMessageContaining("mail.send is down");
            test.completeNow();
          })));
    }
  }

  @Nested
  @DisplayName("when the store fails under a consumer")
  class StoreFailures {

    @Test
    @DisplayName("a claim the store refuses is tried again with backoff, not dead-lettered; the handler then runs once")
    void refusedClaimIsRetriedNotDeadLettered(Vertx vertx, VertxTestContext test) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event",
          "operations.test.echo.timeoutMs", "30000"));
      List<String> deadLetters = new CopyOnWriteArrayList<>();
      vertx.eventBus().<Buffer>consumer(LocalTransport.deadLetterAddress(ECHO.name()),
          letter -> deadLetters.add(letter.headers().get(Envelope.ERROR_MESSAGE)));
      AtomicInteger runs = new AtomicInteger();
      Future<Void> serving = switchboard.serve(ECHO, (request, context) -> {
        runs.incrementAndGet();
        return Future.succeededFuture(text(request.getValue() + "!"));
      });
      // the processed-message table goes away: every claim fails in the store
      Blocking.await(serving.compose(ready -> rename(switchboard, "sb_processed", "sb_processed_away")));
      Future<StringValue> reply = switchboard.call(ECHO, text("hi"), CallContext.begin("c-store"));
      dev.switchboard.testing.Eventually.holds("the claim was refused and retried twice", java.time.Duration.ofSeconds(20),
          () -> retries(switchboard) >= 2);
      Blocking.await(rename(switchboard, "sb_processed_away", "sb_processed"));
      reply.onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getValue()).isEqualTo("hi!");
        assertThat(runs).hasValue(1);
        assertThat(deadLetters).isEmpty();
        test.completeNow();
      })));
    }

    @Test
    @DisplayName("a command whose message id the store cannot keep is dead-lettered at once as poison, not retried")
    void overlongMessageIdIsPoison(Vertx vertx, VertxTestContext test) {
      poisonIsDeadLetteredAtOnce(vertx, test, CallContext.begin("c-long").withMessageId("m".repeat(600)),
          "x-message-id must be 1 to 500 characters");
    }

    @Test
    @DisplayName("a command with a header too long to be stored is dead-lettered at once as poison, naming the header")
    void overlongHeaderIsPoison(Vertx vertx, VertxTestContext test) {
      poisonIsDeadLetteredAtOnce(vertx, test,
          new CallContext("c-header", "", "m-header", "", Map.of("note", "n".repeat(70_000))),
          "header x-attr-note takes 70000 bytes; at most 65535");
    }

    /** A command sent with {@code context} is dead-lettered INVALID_ARGUMENT with {@code reason}, never run nor retried. */
    private void poisonIsDeadLetteredAtOnce(Vertx vertx, VertxTestContext test, CallContext context, String reason) {
      Switchboard switchboard = switchboard(vertx, Map.of("defaults.mode", "event"));
      AtomicInteger runs = new AtomicInteger();
      vertx.eventBus().<Buffer>consumer(LocalTransport.deadLetterAddress(ECHO.name()), letter -> test.verify(() -> {
        assertThat(letter.headers().get(Envelope.ERROR_CODE)).isEqualTo("INVALID_ARGUMENT");
        assertThat(letter.headers().get(Envelope.ERROR_MESSAGE)).contains(reason);
        assertThat(runs).hasValue(0);
        assertThat(retries(switchboard)).isZero();
        test.completeNow();
      }));
      switchboard.serve(ECHO, (request, served) -> {
        runs.incrementAndGet();
        return Future.succeededFuture(request);
      }).onComplete(test.succeeding(serving -> {
        Envelope command = Envelope.of(Buffer.buffer(text("x").toByteArray()), context);
        vertx.eventBus().request(LocalTransport.commandAddress(ECHO.name()), command.body(),
            new DeliveryOptions().setHeaders(command.headers()));
      }));
    }

    private double retries(Switchboard switchboard) {
      var counter = switchboard.metrics().registry().find("switchboard.operation.infrastructure.retries")
          .tag("operation", ECHO.name()).counter();
      return counter == null ? 0 : counter.count();
    }

    private Future<Void> rename(Switchboard switchboard, String from, String to) {
      return switchboard.store().transaction(connection -> {
        try (var statement = connection.createStatement()) {
          statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
        return null;
      });
    }
  }
}
