package dev.switchboard.platform.transport;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The local transport's messages: envelopes in one JVM, bytes on the wire, plain messages from outside")
class LocalTransportTest {

  private final Vertx vertx = Vertx.vertx();
  private final LocalTransport transport = new LocalTransport(vertx.eventBus(), 5_000);

  @AfterEach
  void close() {
    Blocking.await(vertx.close());
  }

  private static Envelope envelope() {
    CallContext context = new CallContext("corr-1", "order-9", "msg-7", "cause-3", Map.of("tenant", "north"),
        1_900_000_000_000L);
    return new Envelope(Buffer.buffer("payload".getBytes(StandardCharsets.UTF_8)), context,
        new OperationException(ErrorCode.FAILED_PRECONDITION, "out of stock"), 1_800_000_000_000L);
  }

  /** Serves test.op, answering "ok": the requests its handler got. */
  private List<Envelope> served() {
    List<Envelope> requests = new CopyOnWriteArrayList<>();
    Blocking.await(transport.serve("test.op", request -> {
      requests.add(request);
      return Future.succeededFuture(Buffer.buffer("ok"));
    }));
    return requests;
  }

  @Test
  @DisplayName("an envelope crosses to a clustered node as bytes and arrives whole: body, context, failure, sent-at")
  void wireRoundTrip() {
    EnvelopeCodec codec = new EnvelopeCodec();
    Envelope sent = envelope();
    Buffer wire = Buffer.buffer("before");

    codec.encodeToWire(wire, sent);
    Envelope received = codec.decodeFromWire("before".length(), wire);

    assertThat(received.body().toString(StandardCharsets.UTF_8)).isEqualTo("payload");
    assertThat(received.context()).isEqualTo(sent.context());
    assertThat(received.sentAtMs()).isEqualTo(sent.sentAtMs());
    assertThat(received.failure().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(received.failure()).hasMessage("out of stock");
  }

  @Test
  @DisplayName("within one JVM the handler gets the sender's envelope itself, on rpc and on commands")
  void sameInstanceLocally() {
    Envelope sent = envelope();
    List<Envelope> commands = new CopyOnWriteArrayList<>();
    List<Envelope> requests = served();
    Blocking.await(transport.consumeCommands("test.op", command -> {
      commands.add(command);
      return Future.succeededFuture();
    }));

    Buffer reply = Blocking.await(transport.request("test.op", sent, 5_000));
    Blocking.await(transport.sendCommand("test.op", sent));

    assertThat(reply.toString()).isEqualTo("ok");
    assertThat(requests).singleElement().isSameAs(sent);
    dev.switchboard.testing.Eventually.holds("the command arrived", java.time.Duration.ofSeconds(5),
        () -> commands.size() == 1);
    assertThat(commands).singleElement().isSameAs(sent);
  }

  @Test
  @DisplayName("a published result reaches every listener, also through a second transport on the same event bus")
  void publishedToEveryListener() {
    LocalTransport second = new LocalTransport(vertx.eventBus(), 5_000);
    List<Envelope> heard = new CopyOnWriteArrayList<>();
    Blocking.await(transport.consumeResults("test.op", heard::add));
    Blocking.await(second.listenResults("test.op", heard::add));
    Envelope result = envelope();

    Blocking.await(second.publishResult("test.op", result));

    dev.switchboard.testing.Eventually.holds("both listeners heard it", java.time.Duration.ofSeconds(5),
        () -> heard.size() == 2);
    assertThat(heard).containsExactly(result, result);
  }

  @Test
  @DisplayName("a failed result carries its failure's code and message only, wherever it goes")
  void failedResultCarriesCodeAndMessage() {
    OperationException passedOn = OperationException.refused(ErrorCode.UNAVAILABLE, "breaker open");

    OperationException carried = Envelope.failed(CallContext.begin("c"), passedOn).failure();

    assertThat(carried.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(carried).hasMessage("breaker open");
    assertThat(carried.refused()).isFalse();
    assertThat(carried.outcomeUncertain()).isEqualTo(new OperationException(ErrorCode.UNAVAILABLE, "x").outcomeUncertain());
  }

  @Test
  @DisplayName("a message stored as bytes comes back whole: body, every part of its context, its failure, when it was sent")
  void storedMessageComesBackWhole() {
    CallContext context = new CallContext("corr-9", "order-9", "msg-9", "cause-9",
        Map.of("audience", "a,b", "tenant", "ünïcode"), 1_700_000_123_456L);
    Envelope sent = new Envelope(Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff}), context,
        new OperationException(ErrorCode.FAILED_PRECONDITION, "out of stock: SKU-1"), 1_700_000_000_001L);

    Envelope stored = Envelope.fromBytes(sent.toBytes());

    assertThat(stored.body().getBytes()).containsExactly(0, 1, 2, 0xff);
    assertThat(stored.context()).isEqualTo(context);
    assertThat(stored.failure().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(stored.failure()).hasMessage("out of stock: SKU-1");
    assertThat(stored.sentAtMs()).isEqualTo(1_700_000_000_001L);
    Envelope plain = Envelope.fromBytes(Envelope.of(Buffer.buffer("reply"), new CallContext("c", "", "m", "", Map.of()))
        .toBytes());
    assertThat(plain.isFailure()).isFalse();
    assertThat(plain.context().causationId()).isEmpty();
    assertThat(plain.body().toString()).isEqualTo("reply");
  }

  @Test
  @DisplayName("a failure without a message is stored without the header, as headers() leaves it out")
  void failureWithoutMessageIsStored() {
    Envelope result = Envelope.failed(CallContext.begin("c"), new OperationException(ErrorCode.INTERNAL, null));

    Envelope stored = Envelope.fromBytes(result.toBytes());

    assertThat(stored.failure().code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(stored.failure().getMessage()).isNull();
    assertThat(result.headers().contains(Envelope.ERROR_MESSAGE)).isFalse();
  }

  @Test
  @DisplayName("a record stored in the layout of earlier versions (count, name and value pairs, body) still reads")
  void recordOfEarlierVersionsReads() throws java.io.IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      String[] headers = {Envelope.CORRELATION_ID, "corr-1", Envelope.MESSAGE_ID, "msg-1", Envelope.SENT_AT, "42",
          Envelope.ATTRIBUTE_PREFIX + "saga", "checkout", Envelope.ERROR_CODE, "NOT_FOUND", Envelope.ERROR_MESSAGE, "gone"};
      out.writeInt(headers.length / 2);
      for (String nameOrValue : headers) {
        out.writeUTF(nameOrValue);
      }
      out.writeInt(3);
      out.write(new byte[] {7, 8, 9});
    }

    Envelope stored = Envelope.fromBytes(bytes.toByteArray());

    assertThat(stored.context()).isEqualTo(new CallContext("corr-1", "", "msg-1", "", Map.of("saga", "checkout")));
    assertThat(stored.sentAtMs()).isEqualTo(42);
    assertThat(stored.failure().code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(stored.failure()).hasMessage("gone");
    assertThat(stored.body().getBytes()).containsExactly(7, 8, 9);
    assertThat(Envelope.fromBytes(stored.toBytes()).context()).as("and is written back alike").isEqualTo(stored.context());
  }

  @Test
  @DisplayName("a failure's message travels cut to its bound, so that a result event can always be stored")
  void longFailureMessageIsCut() {
    Envelope result = Envelope.failed(CallContext.begin("c"), new OperationException(ErrorCode.INTERNAL,
        "é".repeat(100_000)));

    Envelope stored = Envelope.fromBytes(result.toBytes());

    assertThat(stored.failure().getMessage()).hasSize(Envelope.MAX_ERROR_MESSAGE).endsWith("…");
  }

  @Test
  @DisplayName("a plain message, protobuf bytes with the call context in headers, is still taken")
  void plainMessageTaken() {
    List<Envelope> requests = served();
    Envelope sent = Envelope.of(Buffer.buffer("payload"), new CallContext("corr-2", "", "msg-2", "", Map.of()));

    Blocking.await(vertx.eventBus().request(LocalTransport.rpcAddress("test.op"), sent.body(),
        new DeliveryOptions().setHeaders(sent.headers())));

    assertThat(requests).singleElement().satisfies(request -> {
      assertThat(request.context().correlationId()).isEqualTo("corr-2");
      assertThat(request.context().messageId()).isEqualTo("msg-2");
      assertThat(request.body().toString()).isEqualTo("payload");
    });
  }

  @Test
  @DisplayName("any other body is refused with INVALID_ARGUMENT saying what the address takes; no handler runs")
  void otherBodyRefused() {
    List<Envelope> requests = served();

    assertThatThrownBy(() -> Blocking.await(vertx.eventBus().request(LocalTransport.rpcAddress("test.op"), "text")))
        .isInstanceOfSatisfying(ReplyException.class, refused -> {
          assertThat(refused.failureCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.code());
          assertThat(refused).hasMessageContaining("switchboard.rpc.test.op takes protobuf bytes")
              .hasMessageContaining("got a String");
        });
    assertThat(requests).isEmpty();
  }
}
