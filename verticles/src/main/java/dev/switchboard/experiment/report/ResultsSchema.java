package dev.switchboard.experiment.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code results.schema.json}: the JSON Schema (draft 2020-12) of {@code results.json}, drawn from
 * {@link Measures} so every measure is listed with its meaning. A copy is kept in the jar as
 * {@value #RESOURCE}; regenerate it with {@code main(path)} when the measures change (a test compares
 * the two).
 */
public final class ResultsSchema {

  /** Where the jar keeps a copy, on the class path. */
  public static final String RESOURCE = "experiments/results.schema.json";

  private ResultsSchema() {
  }

  public static JsonObject schema() {
    JsonObject setting = new JsonObject().put("type", "string");
    JsonObject variant = object()
        .put("required", new JsonArray().add("name").add("settings").add("summary").add("series"))
        .put("properties", new JsonObject()
            .put("name", string("the variant's name"))
            .put("settings", new JsonObject().put("type", "object")
                .put("description", "its settings that differ from the defaults (key: value)")
                .put("additionalProperties", setting))
            .put("summary", new JsonObject().put("type", "object")
                .put("description", "the measures over the variant's whole run; latencies in milliseconds")
                .put("properties", measures(Measures.SUMMARY))
                .put("additionalProperties", nullableNumber(null)))
            .put("windows", new JsonObject().put("type", "object")
                .put("description", "the measures over each named window of the run (the orders due within it),"
                    + " by window name; present when the experiment names windows")
                .put("additionalProperties", new JsonObject().put("type", "object")
                    .put("properties", measures(Measures.WINDOW))
                    .put("additionalProperties", false)))
            .put("series", new JsonObject().put("type", "array")
                .put("description", "one entry per second of the run, t_s first")
                .put("items", new JsonObject().put("type", "object")
                    .put("required", new JsonArray().add("t_s"))
                    .put("properties", measures(Measures.SERIES))
                    .put("additionalProperties", nullableNumber(null)))));
    JsonObject fault = object()
        .put("required", new JsonArray().add("at_s").add("until_s").add("target").add("what"))
        .put("properties", new JsonObject()
            .put("at_s", number("seconds after the start when it begins"))
            .put("until_s", number("seconds after the start when it ends"))
            .put("target", string("the operation or service it hits"))
            .put("what", string("what happens, e.g. latencyMs=2000 or stopped")));
    JsonObject hypothesis = object()
        .put("required", new JsonArray().add("text").add("passed").add("observed"))
        .put("properties", new JsonObject()
            .put("text", string("the hypothesis as written"))
            .put("passed", new JsonObject().put("type", "boolean").put("description", "whether it held"))
            .put("observed", string("the values it was decided on")));
    return new JsonObject()
        .put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("$id", "urn:switchboard:experiment-results")
        .put("title", "Switchboard experiment results")
        .put("description", "What one experiment run measured and concluded (results.json). A number that was not measured is null.")
        .put("type", "object")
        .put("additionalProperties", false)
        .put("required", new JsonArray().add("experiment").add("claim").add("startedAt").add("variants").add("faults").add("hypotheses"))
        .put("properties", new JsonObject()
            .put("experiment", string("the experiment's name"))
            .put("claim", string("the sentence under test"))
            .put("startedAt", string("when the run started (ISO-8601)").put("format", "date-time"))
            .put("variants", array("what each variant did, in the order they ran", variant))
            .put("faults", array("the fault schedule, on the workload's timeline", fault))
            .put("hypotheses", array("each hypothesis with its verdict", hypothesis)));
  }

  /** {@link #schema()} as indented text, ending with a newline: the file's content. */
  public static String encode() {
    return schema().encodePrettily() + "\n";
  }

  /** Writes the schema to the given file (e.g. {@code verticles/src/main/resources/} + {@value #RESOURCE}). */
  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), encode(), StandardCharsets.UTF_8);
  }

  private static JsonObject measures(Map<String, String> measures) {
    JsonObject properties = new JsonObject();
    measures.forEach((name, meaning) -> properties.put(name, nullableNumber(meaning)));
    return properties;
  }

  private static JsonObject nullableNumber(String description) {
    JsonObject schema = new JsonObject().put("type", new JsonArray().add("number").add("null"));
    return description == null ? schema : schema.put("description", description);
  }

  private static JsonObject object() {
    return new JsonObject().put("type", "object").put("additionalProperties", false);
  }

  private static JsonObject string(String description) {
    return new JsonObject().put("type", "string").put("description", description);
  }

  private static JsonObject number(String description) {
    return new JsonObject().put("type", "number").put("description", description);
  }

  private static JsonObject array(String description, JsonObject items) {
    return new JsonObject().put("type", "array").put("description", description).put("items", items);
  }
}
