package dev.switchboard.edge.management;

import dev.switchboard.edge.management.ApiError.BadRequest;
import dev.switchboard.platform.DeadLetter;
import dev.switchboard.platform.DeadLetterReplay;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /deadletters}: the messages operations gave up on, wherever their transport keeps them, to
 * read ({@code GET /deadletters?operation=NAME&limit=N}, open like {@code GET /operations}) and to send
 * again once the cause is fixed ({@code POST /deadletters/replay} with {@code {"operation": NAME,
 * "ids": [...]}}, behind the token; without {@code ids}, every dead letter of the operation not
 * replayed yet). The platform does the work ({@link Switchboard#deadLetters()}); this class reads the
 * request and writes the answer.
 */
final class DeadLettersApi {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;
  private static final String LIMIT_ALLOWED = "an integer from 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")";
  private static final String REPLAY_BODY = "{\"operation\": NAME, \"ids\": [ID, ...]} (ids optional: every dead "
      + "letter not replayed yet)";

  private final Switchboard switchboard;
  private final ManagementAuth auth;

  DeadLettersApi(Switchboard switchboard, ManagementAuth auth) {
    this.switchboard = switchboard;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/deadletters").handler(this::list);
    router.post("/deadletters/replay").handler(this::replay);
  }

  // ---------------------------------------------------------------- reading

  private void list(RoutingContext ctx) {
    Optional<String> operation = Optional.ofNullable(ctx.queryParams().get("operation"));
    int limit;
    try {
      limit = limit(ctx.queryParams().get("limit"));
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    }
    if (operation.isPresent() && !known(ctx, operation.get())) {
      return;
    }
    switchboard.deadLetters().list(operation, limit).onComplete(listed -> {
      if (listed.failed()) {
        failed(ctx, listed.cause());
        return;
      }
      JsonArray letters = new JsonArray();
      listed.result().forEach(letter -> letters.add(json(letter)));
      ctx.json(new JsonObject().put("deadLetters", letters).put("count", letters.size()));
    });
  }

  private static int limit(String given) {
    if (given == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(given.trim());
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw new BadRequest("limit", given, LIMIT_ALLOWED);
  }

  static JsonObject json(DeadLetter letter) {
    JsonObject json = new JsonObject()
        .put("id", letter.id())
        .put("operation", letter.operation())
        .put("transport", letter.transport())
        .put("kind", letter.kind());
    if (letter.stream() != null) {
      json.put("stream", letter.stream());
    }
    json.put("messageId", letter.messageId())
        .put("correlationId", letter.correlationId())
        .put("reason", new JsonObject().put("code", letter.reasonCode()).put("message", letter.reasonMessage()))
        .put("attempts", letter.attempts())
        .put("deadAtMs", letter.deadAtMs());
    if (letter.original() != null) {
      json.put("original", new JsonObject().put("topic", letter.original().topic())
          .put("partition", letter.original().partition()).put("offset", letter.original().offset()));
    }
    json.put("message", letter.json())
        .put("replays", letter.replays())
        .put("replayedAtMs", letter.replays() == 0 ? null : letter.replayedAtMs());
    return json;
  }

  // ---------------------------------------------------------------- changing

  private void replay(RoutingContext ctx) {
    String operation;
    Optional<List<String>> ids;
    try {
      JsonObject body = JsonBody.object(ctx.body().buffer(), REPLAY_BODY);
      JsonBody.onlyFields(body, Set.of("operation", "ids"));
      Object name = body.getValue("operation");
      if (!(name instanceof String text) || text.isBlank()) {
        throw new BadRequest("operation", name, "the name of an operation, such as payment.charge");
      }
      operation = text;
      ids = body.containsKey("ids") ? Optional.of(ids(body.getValue("ids"))) : Optional.empty();
    } catch (BadRequest bad) {
      bad.answer(ctx);
      return;
    }
    if (!known(ctx, operation)) {
      return;
    }
    switchboard.deadLetters().replay(operation, ids).onComplete(replayed -> {
      if (replayed.failed()) {
        failed(ctx, replayed.cause());
        return;
      }
      DeadLetterReplay.Report report = replayed.result();
      JsonArray skipped = new JsonArray();
      report.skipped().forEach(skip -> skipped.add(new JsonObject().put("id", skip.id()).put("why", skip.why())));
      auth.audit(ctx, "replay", operation, ids.map(List::toString).orElse("every dead letter not replayed yet"),
          report.replayed() + " replayed, " + report.skipped().size() + " skipped");
      ctx.json(new JsonObject().put("operation", operation).put("replayed", report.replayed())
          .put("skipped", skipped));
    });
  }

  private static List<String> ids(Object value) {
    String allowed = "an array of dead-letter ids (strings such as local:12 or kafka:TOPIC:PARTITION:OFFSET), "
        + "or leave it out for every dead letter not replayed yet";
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new BadRequest("ids", value, allowed);
    }
    List<String> ids = new ArrayList<>();
    for (Object id : array) {
      if (!(id instanceof String text) || text.isBlank() || text.length() > 300) {
        throw new BadRequest("ids", id, allowed);
      }
      ids.add(text);
    }
    return ids;
  }

  private boolean known(RoutingContext ctx, String name) {
    return ApiError.knownOperation(ctx, switchboard.config().operations().keySet(), "operation", name);
  }

  private static void failed(RoutingContext ctx, Throwable failure) {
    OperationException reason = OperationException.from("deadletters", failure);
    int status = reason.code() == ErrorCode.NOT_FOUND ? 404
        : reason.code() == ErrorCode.FAILED_PRECONDITION ? 409
        : reason.code() == ErrorCode.UNAVAILABLE ? 503 : 500;
    ApiError.answer(ctx, status, reason.getMessage());
  }
}
