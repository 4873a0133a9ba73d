package dev.switchboard.edge.management;

import dev.switchboard.platform.LogSafe;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.TreeSet;

/**
 * The one shape of every error the management port answers: {@code {"error": "..."}}, and for a bad
 * request body also {@code field}, {@code value} and {@code allowed}.
 */
final class ApiError {

  private ApiError() {
  }

  static void answer(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status);
    ctx.json(new JsonObject().put("error", message));
  }

  /**
   * Answers 400 naming the field that carried the operation ({@code name} in a path, {@code operation}
   * in a query or body), the value and the known operations, unless {@code name} is one of them; tells
   * whether it is.
   */
  static boolean knownOperation(RoutingContext ctx, Set<String> operations, String field, String name) {
    if (operations.contains(name)) {
      return true;
    }
    new BadRequest(field, name, "an operation: one of " + new TreeSet<>(operations)).answer(ctx);
    return false;
  }

  /** A bad request body: names the field, the value given and what is allowed; answered 400. */
  static final class BadRequest extends RuntimeException {
    private final String field;
    private final transient Object value;
    private final String allowed;

    BadRequest(String field, Object value, String allowed) {
      super(field + ": " + shown(value) + " is not allowed; allowed: " + allowed, null, false, false);
      this.field = field;
      this.value = value;
      this.allowed = allowed;
    }

    private static String shown(Object value) {
      return value instanceof String text ? LogSafe.quote(text) : String.valueOf(value);
    }

    void answer(RoutingContext ctx) {
      answer(ctx, 400);
    }

    /** Answered with another status: 409 for a well-formed change this process cannot make. */
    void answer(RoutingContext ctx, int status) {
      ctx.response().setStatusCode(status);
      ctx.json(new JsonObject().put("error", getMessage()).put("field", field).put("value", value)
          .put("allowed", allowed));
    }
  }
}
