package dev.switchboard.platform.transport;

import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Ids;
import dev.switchboard.platform.OperationException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One message as a transport carries it: the protobuf bytes, the call context, and for a result
 * event the failure instead of a reply. The header names are the same on every transport (event
 * bus headers, Kafka headers, gRPC metadata).
 */
public record Envelope(Buffer body, CallContext context, OperationException failure, long sentAtMs) {

  public static final String CORRELATION_ID = "x-correlation-id";
  public static final String MESSAGE_ID = "x-message-id";
  public static final String CAUSATION_ID = "x-causation-id";
  public static final String AGGREGATE_ID = "x-aggregate-id";
  public static final String ERROR_CODE = "x-error-code";
  public static final String ERROR_MESSAGE = "x-error-message";
  public static final String SENT_AT = "x-sent-at";
  /** The rpc call chain's deadline, epoch millis (the gRPC transport also sends it as grpc-timeout). */
  public static final String DEADLINE = "x-deadline";
  public static final String ATTRIBUTE_PREFIX = "x-attr-";
  /**
   * The most bytes one header name or value may take in {@link #toBytes} (modified UTF-8, as
   * {@link java.io.DataOutputStream#writeUTF} writes it): a message whose context holds a longer one
   * cannot be stored (a processed-message record, the outbox) nor sent between clustered nodes.
   */
  public static final int MAX_STORED_HEADER_BYTES = 65_535;
  /** A failure's message travels at most this long (characters); a longer one is cut, marked with "…". */
  public static final int MAX_ERROR_MESSAGE = 4_096;

  public static Envelope of(Buffer body, CallContext context) {
    return new Envelope(body, context, null, System.currentTimeMillis());
  }

  /**
   * A failed result. The failure travels as its code and message only, as in headers and bytes: a
   * failure the handler passed on from a call of its own (refused by its caller's policy, or never
   * delivered) reaches the result's consumers as the handler's failure, whichever way it travels.
   */
  public static Envelope failed(CallContext context, OperationException failure) {
    return new Envelope(Buffer.buffer(), context, new OperationException(failure.code(),
        cut(failure.getMessage())), System.currentTimeMillis());
  }

  private static String cut(String message) {
    return message == null || message.length() <= MAX_ERROR_MESSAGE ? message
        : message.substring(0, MAX_ERROR_MESSAGE - 1) + "…";
  }

  /**
   * Why a message with this context could not be stored nor sent between clustered nodes (a header
   * longer than {@link #MAX_STORED_HEADER_BYTES}), naming the header; null when it can.
   */
  public static String unstorable(CallContext context) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put(CORRELATION_ID, context.correlationId());
    headers.put(MESSAGE_ID, context.messageId());
    headers.put(CAUSATION_ID, context.causationId());
    headers.put(AGGREGATE_ID, context.aggregateId());
    context.attributes().forEach((name, value) -> headers.put(ATTRIBUTE_PREFIX + name, value));
    for (Map.Entry<String, String> header : headers.entrySet()) {
      long nameBytes = storedBytes(header.getKey());
      long valueBytes = storedBytes(header.getValue());
      if (nameBytes > MAX_STORED_HEADER_BYTES || valueBytes > MAX_STORED_HEADER_BYTES) {
        return "header " + header.getKey().substring(0, Math.min(header.getKey().length(), 80)) + " takes "
            + Math.max(nameBytes, valueBytes) + " bytes; at most " + MAX_STORED_HEADER_BYTES;
      }
    }
    return null;
  }

  /**
   * What {@link java.io.DataOutputStream#writeUTF} takes for {@code text}, its length prefix aside:
   * counted where it could exceed {@link #MAX_STORED_HEADER_BYTES}; below that (at most 3 bytes a
   * character) its length in characters stands in, which is all the comparison needs.
   */
  private static long storedBytes(String text) {
    if (text == null || text.length() * 3L <= MAX_STORED_HEADER_BYTES) {
      return text == null ? 0 : text.length();
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c >= 1 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
    }
    return bytes;
  }

  public boolean isFailure() {
    return failure != null;
  }

  public MultiMap headers() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    eachHeader(headers::set);
    return headers;
  }

  /**
   * The message's headers, name and value, in order, without building a {@link MultiMap}. A value may
   * be null (a failure without a message): {@link MultiMap#set} leaves such a header out, and so must
   * whoever takes them from here.
   */
  private void eachHeader(BiConsumer<String, String> header) {
    header.accept(CORRELATION_ID, context.correlationId());
    header.accept(MESSAGE_ID, context.messageId());
    header.accept(SENT_AT, Long.toString(sentAtMs));
    if (!context.causationId().isEmpty()) {
      header.accept(CAUSATION_ID, context.causationId());
    }
    if (!context.aggregateId().isEmpty()) {
      header.accept(AGGREGATE_ID, context.aggregateId());
    }
    if (context.deadlineMs() > 0) {
      header.accept(DEADLINE, Long.toString(context.deadlineMs()));
    }
    context.attributes().forEach((name, value) -> header.accept(ATTRIBUTE_PREFIX + name, value));
    if (failure != null) {
      header.accept(ERROR_CODE, failure.code().name());
      header.accept(ERROR_MESSAGE, cut(failure.getMessage()));
    }
  }

  public static Envelope fromHeaders(Buffer body, MultiMap headers) {
    Map<String, String> attributes = new HashMap<>();
    headers.forEach(entry -> {
      if (entry.getKey().toLowerCase().startsWith(ATTRIBUTE_PREFIX)) {
        attributes.put(entry.getKey().substring(ATTRIBUTE_PREFIX.length()), entry.getValue());
      }
    });
    String correlation = headers.get(CORRELATION_ID);
    CallContext context = new CallContext(correlation == null ? Ids.next() : correlation,
        headers.get(AGGREGATE_ID), headers.get(MESSAGE_ID), headers.get(CAUSATION_ID), attributes,
        parseTime(headers.get(DEADLINE)));
    String code = headers.get(ERROR_CODE);
    OperationException failure = code == null ? null : new OperationException(parseCode(code), headers.get(ERROR_MESSAGE));
    return new Envelope(body, context, failure, parseTime(headers.get(SENT_AT)));
  }

  /** The message as bytes, to be stored: its headers, then its body. */
  public byte[] toBytes() {
    // written from the headers as they come (a store's writer runs this for every recorded result):
    // no MultiMap built and counted first
    List<String> headers = new ArrayList<>(16);
    eachHeader((name, value) -> {
      if (value != null) { // as MultiMap.set would: no header
        headers.add(name);
        headers.add(value);
      }
    });
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256 + body.length());
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeInt(headers.size() / 2);
      for (String nameOrValue : headers) {
        out.writeUTF(nameOrValue);
      }
      out.writeInt(body.length());
      out.write(body.getBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The message {@link #toBytes} stored. */
  public static Envelope fromBytes(byte[] stored) {
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(stored))) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        headers.add(in.readUTF(), in.readUTF());
      }
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return fromHeaders(Buffer.buffer(body), headers);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("stored message cannot be read", e);
    }
  }

  /** The same message under another message id (a message that came without one). */
  public Envelope withMessageId(String messageId) {
    return withContext(context.withMessageId(messageId));
  }

  /** The same message with another context. */
  public Envelope withContext(CallContext changed) {
    return new Envelope(body, changed, failure, sentAtMs);
  }

  private static long parseTime(String millis) {
    try {
      return millis == null ? 0 : Long.parseLong(millis);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static ErrorCode parseCode(String name) {
    try {
      return ErrorCode.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ErrorCode.INTERNAL;
    }
  }
}
