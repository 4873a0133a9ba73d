package dev.switchboard.edge.management;

import dev.switchboard.edge.management.ApiError.BadRequest;
import dev.switchboard.platform.LogSafe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Reads a request body as JSON, refusing what does not fit with a {@link BadRequest} naming the field. */
final class JsonBody {

  private JsonBody() {
  }

  /** The body as a JSON object, or a 400 saying what is expected. */
  static JsonObject object(Buffer buffer, String expected) {
    if (buffer == null || buffer.length() == 0) {
      throw new BadRequest("body", "", expected);
    }
    try {
      return new JsonObject(buffer);
    } catch (DecodeException | ClassCastException notAnObject) {
      String text = buffer.toString(StandardCharsets.UTF_8);
      throw new BadRequest("body", text.length() > LogSafe.MAX_LENGTH ? text.substring(0, LogSafe.MAX_LENGTH) + "…"
          : text, expected + " (not a JSON object)");
    }
  }

  /** Refuses a field that is not one of {@code fields}. */
  static void onlyFields(JsonObject body, Set<String> fields) {
    for (String field : body.fieldNames()) {
      if (!fields.contains(field)) {
        throw new BadRequest(field, body.getValue(field), "no such field; the fields are " + fields);
      }
    }
  }

  static long integer(String field, Object value, long max, String allowed) {
    boolean integral = value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger;
    if (!integral || ((Number) value).doubleValue() < 0 || ((Number) value).doubleValue() > max) {
      throw new BadRequest(field, value, allowed);
    }
    return ((Number) value).longValue();
  }

  static double share(String field, Object value, String allowed) {
    double share = value instanceof Number number ? number.doubleValue() : Double.NaN;
    if (!(share >= 0 && share <= 1)) {
      throw new BadRequest(field, value, allowed);
    }
    return share;
  }

  static boolean bool(String field, Object value, String allowed) {
    if (!(value instanceof Boolean flag)) {
      throw new BadRequest(field, value, allowed);
    }
    return flag;
  }

  /** One of {@code choices}, spelled exactly. */
  static String choice(String field, Object value, Set<String> choices) {
    if (!(value instanceof String text) || !choices.contains(text)) {
      throw new BadRequest(field, value, "one of " + choices);
    }
    return text;
  }
}
