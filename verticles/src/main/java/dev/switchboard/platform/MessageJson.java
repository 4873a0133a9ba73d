package dev.switchboard.platform;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * A message's protobuf bytes shown to a person as JSON, decoded with its operation's request type
 * ({@link JsonFormat}); bytes that do not decode are shown as base64 with the reason
 * ({@code {"base64": …, "error": …}}), so a poison message can be looked at too.
 */
final class MessageJson {

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private MessageJson() {
  }

  static JsonObject of(Operation<?, ?> operation, byte[] body) {
    try {
      Message message = operation.parseRequest(body);
      return new JsonObject(PRINTER.print(message));
    } catch (InvalidProtocolBufferException | RuntimeException undecodable) {
      return new JsonObject().put("base64", Base64.getEncoder().encodeToString(body))
          .put("error", undecodable.getMessage());
    }
  }
}
