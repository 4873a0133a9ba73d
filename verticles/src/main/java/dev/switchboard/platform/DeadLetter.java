package dev.switchboard.platform;

import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.json.JsonObject;

/**
 * One dead letter as an operator sees it, the same whichever transport keeps it: a stable id
 * ({@code local:<row id>} in the store, {@code kafka:<topic>:<partition>:<offset>} in a {@code .dlq}
 * topic), the operation that gave up on the message, whether it was a command or a stream's event,
 * why and after how many attempts, where it came from on Kafka, the message decoded as JSON, and how
 * often it was replayed. {@link #message()} is the message itself, as it is sent again on a replay.
 *
 * @param stream       the stream of an event, null for a command
 * @param original     where the message was on Kafka, null for the event bus
 * @param json         the message's body as JSON (or base64 with the decode error); null until listed
 * @param replayedAtMs when it was last replayed, 0 if never
 */
public record DeadLetter(String id, String operation, String transport, String stream, String reasonCode,
                         String reasonMessage, int attempts, long deadAtMs, Original original, Envelope message,
                         JsonObject json, int replays, long replayedAtMs) {

  /** Where a Kafka dead letter was consumed from. */
  public record Original(String topic, int partition, long offset) {
  }

  public String kind() {
    return stream == null ? "command" : "event";
  }

  public String messageId() {
    return message.context().messageId();
  }

  public String correlationId() {
    return message.context().correlationId();
  }

  DeadLetter withJson(JsonObject decoded) {
    return new DeadLetter(id, operation, transport, stream, reasonCode, reasonMessage, attempts, deadAtMs, original,
        message, decoded, replays, replayedAtMs);
  }

  DeadLetter withReplays(int count, long lastAtMs) {
    return new DeadLetter(id, operation, transport, stream, reasonCode, reasonMessage, attempts, deadAtMs, original,
        message, json, count, lastAtMs);
  }
}
