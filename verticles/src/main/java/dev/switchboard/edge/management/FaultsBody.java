package dev.switchboard.edge.management;

import dev.switchboard.edge.management.ApiError.BadRequest;
import dev.switchboard.platform.config.FaultSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code PUT /operations/{name}/faults}: the operation's fault knobs, each optional; a
 * knob left out is off (its default), so {@code {}} clears every fault.
 */
final class FaultsBody {

  private static final Map<String, String> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("latencyMs", "an integer from 0 to 600000 (milliseconds added before the handler runs)");
    ALLOWED.put("errorRate", "a number from 0 to 1 (share of calls failing with INTERNAL)");
    ALLOWED.put("down", "true or false (every call fails with UNAVAILABLE)");
    ALLOWED.put("capacityPerSecond", "an integer from 0 to " + FaultSettings.MAX_CAPACITY_PER_SECOND
        + " (handler starts per second; 0: unlimited)");
    ALLOWED.put("duplicateRate", "a number from 0 to 1 (share of messages delivered twice)");
    ALLOWED.put("dedup", "true or false (whether the consumer deduplicates by message id)");
  }

  private FaultsBody() {
  }

  static FaultSettings parse(Buffer buffer) {
    JsonObject body = JsonBody.object(buffer, "a JSON object with any of " + ALLOWED.keySet());
    JsonBody.onlyFields(body, ALLOWED.keySet());
    FaultSettings faults = FaultSettings.NONE;
    for (String field : body.fieldNames()) {
      Object value = body.getValue(field);
      String allowed = ALLOWED.get(field);
      faults = switch (field) {
        case "latencyMs" -> faults.withLatencyMs(JsonBody.integer(field, value, 600_000, allowed));
        case "errorRate" -> faults.withErrorRate(JsonBody.share(field, value, allowed));
        case "down" -> faults.withDown(JsonBody.bool(field, value, allowed));
        case "capacityPerSecond" -> faults.withCapacityPerSecond(
            (int) JsonBody.integer(field, value, FaultSettings.MAX_CAPACITY_PER_SECOND, allowed));
        case "duplicateRate" -> faults.withDuplicateRate(JsonBody.share(field, value, allowed));
        case "dedup" -> faults.withDedup(JsonBody.bool(field, value, allowed));
        default -> throw new BadRequest(field, value, "no such field; the fields are " + ALLOWED.keySet());
      };
    }
    return faults;
  }

  /** The knobs as the API shows them. */
  static JsonObject json(FaultSettings faults) {
    return new JsonObject().put("latencyMs", faults.latencyMs())
        .put("errorRate", faults.errorRate()).put("down", faults.down())
        .put("capacityPerSecond", faults.capacityPerSecond()).put("duplicateRate", faults.duplicateRate())
        .put("dedup", faults.dedup());
  }
}
