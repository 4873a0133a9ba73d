package dev.switchboard.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The messages of the {@code edge} suite: one PlaceOrder request as the load generator sends it to
 * every target (protobuf bytes, the same every call), the reply the trivial handlers give, and for
 * grpc-java's AsyncServer a {@code grpc.testing.SimpleRequest} of the same size on the wire whose
 * {@code response_size} asks for a reply of the PlaceOrder reply's size.
 */
final class EdgeMessages {

  /** The method the Switchboard edge and the bare server serve. */
  static final String PLACE_ORDER = "switchboard.checkout.v1.OrderService/PlaceOrder";
  /** The method AsyncServer serves. */
  static final String UNARY_CALL = "grpc.testing.BenchmarkService/UnaryCall";

  /**
   * A checkout's typical order: one line, a customer, an idempotency key (the same every call: the
   * edge finds the order it accepted the first time instead of storing a new one per call).
   */
  static final PlaceOrderRequest PLACE_ORDER_REQUEST = PlaceOrderRequest.newBuilder()
      .setCustomerId("customer-17")
      .addItems(LineItem.newBuilder().setSku("SKU-BOOK").setQuantity(2).setUnitPriceCents(1_250))
      .setIdempotencyKey("bench-edge-order-1")
      .build();

  /** What the bare server answers: an order id (a UUID, as the checkout's) and a status. */
  static final PlaceOrderResponse PLACE_ORDER_RESPONSE = PlaceOrderResponse.newBuilder()
      .setOrderId("3f6e1c2a-8b4d-4e7f-9a1c-5d2e8b7f0a13").setStatus(OrderStatus.ORDER_STATUS_CONFIRMED).build();

  private EdgeMessages() {
  }

  static Buffer placeOrder() {
    return Buffer.buffer(PLACE_ORDER_REQUEST.toByteArray());
  }

  /**
   * A SimpleRequest ({@code response_size} = 2, {@code payload} = 3 with {@code body} = 2) whose
   * serialized size is {@code requestBytes}, asking for a payload that makes the SimpleResponse
   * ({@code payload} = 1 with {@code body} = 2) {@code replyBytes} long.
   */
  static Buffer simpleRequest(int requestBytes, int replyBytes) {
    int responseSize = bodyFor(replyBytes, 0);
    int headerBytes = CodedOutputStream.computeInt32Size(2, responseSize);
    int body = bodyFor(requestBytes, headerBytes);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(2, responseSize);
      out.writeTag(3, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(CodedOutputStream.computeBytesSize(2, ByteString.copyFrom(new byte[body])));
      out.writeBytes(2, ByteString.copyFrom(new byte[body]));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  /**
   * The body length that makes {@code before} bytes plus a length-delimited field 3 (or 1, the same
   * tag size) holding a Payload with that body come to {@code total}, or as close below as varints allow.
   */
  private static int bodyFor(int total, int before) {
    int best = 0;
    for (int body = 0; body <= total; body++) {
      int payload = CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
      int size = before + CodedOutputStream.computeTagSize(3) + CodedOutputStream.computeUInt32SizeNoTag(payload)
          + payload;
      if (size > total) {
        break;
      }
      best = body;
    }
    return best;
  }
}
