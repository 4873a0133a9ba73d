package dev.switchboard.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What travels with every message of an operation, whatever carries it: the correlation id that
 * ties all hops of one business transaction together (and appears in every log line), the id of
 * the aggregate the message is about (the order id; it orders messages per key), the id of this
 * message and of the one that caused it, attributes a caller wants echoed back in the result
 * event (a saga's id and step), and the deadline of the rpc call chain it belongs to, if any
 * (epoch millis, 0 for none): set by the outside client's {@code grpc-timeout}, it bounds every
 * rpc call made on its behalf.
 */
public record CallContext(String correlationId,
                          String aggregateId,
                          String messageId,
                          String causationId,
                          Map<String, String> attributes,
                          long deadlineMs) {

  public CallContext(String correlationId, String aggregateId, String messageId, String causationId,
                     Map<String, String> attributes) {
    this(correlationId, aggregateId, messageId, causationId, attributes, 0);
  }

  public CallContext {
    Objects.requireNonNull(correlationId, "correlationId");
    aggregateId = aggregateId == null ? "" : aggregateId;
    messageId = messageId == null ? "" : messageId;
    causationId = causationId == null ? "" : causationId;
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }

  /**
   * The correlation id an outside client may give ({@code x-correlation-id}): at most 128 characters
   * of {@code [A-Za-z0-9._:-]}, so that it fits {@code sb_saga.correlation_id} (VARCHAR(200)) and
   * cannot forge a log line. A UUID fits.
   */
  public static final TextLimit CORRELATION_ID = new TextLimit("x-correlation-id", 128, "A-Za-z0-9._:-");

  /** A new business transaction: the correlation id given by the client, or a new one. */
  public static CallContext begin(String correlationId) {
    String id = correlationId == null || correlationId.isBlank() ? Ids.next() : correlationId;
    return new CallContext(id, "", "", "", Map.of());
  }

  /**
   * A new business transaction begun at an edge: the correlation id an outside client gave (none or
   * empty: a new one), refused with INVALID_ARGUMENT unless it is within {@link #CORRELATION_ID}.
   */
  public static CallContext fromOutside(String correlationId) {
    if (correlationId == null || correlationId.isEmpty()) {
      return begin(null);
    }
    return begin(CORRELATION_ID.check(correlationId));
  }

  public CallContext withAggregate(String aggregate) {
    return new CallContext(correlationId, aggregate, messageId, causationId, attributes, deadlineMs);
  }

  public CallContext withMessageId(String id) {
    return new CallContext(correlationId, aggregateId, id, causationId, attributes, deadlineMs);
  }

  public CallContext withAttributes(Map<String, String> more) {
    Map<String, String> merged = new HashMap<>(attributes);
    merged.putAll(more);
    return new CallContext(correlationId, aggregateId, messageId, causationId, merged, deadlineMs);
  }

  /** The same context without the attribute {@code name}. */
  public CallContext withoutAttribute(String name) {
    if (!attributes.containsKey(name)) {
      return this;
    }
    Map<String, String> rest = new HashMap<>(attributes);
    rest.remove(name);
    return new CallContext(correlationId, aggregateId, messageId, causationId, rest, deadlineMs);
  }

  /** The same context bounded by a deadline (epoch millis; 0 removes it); an earlier one already set stays. */
  public CallContext withDeadline(long epochMs) {
    long deadline = epochMs == 0 ? 0 : deadlineMs == 0 ? epochMs : Math.min(deadlineMs, epochMs);
    return new CallContext(correlationId, aggregateId, messageId, causationId, attributes, deadline);
  }

  /** Milliseconds left before the deadline ({@link Long#MAX_VALUE} without one; zero or less once passed). */
  public long remainingMs() {
    return deadlineMs == 0 ? Long.MAX_VALUE : deadlineMs - System.currentTimeMillis();
  }

  /**
   * The prefix of a per-message log line: {@code [cid=… agg=…]}. The ids are escaped: the edges
   * refuse ids that could forge a log line, and this holds for ids that came another way too.
   */
  public String logTag() {
    return "[cid=" + LogSafe.escape(correlationId)
        + (aggregateId.isEmpty() ? "" : " agg=" + LogSafe.escape(aggregateId)) + "]";
  }
}
