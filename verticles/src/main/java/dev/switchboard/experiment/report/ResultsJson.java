package dev.switchboard.experiment.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code results.json}: an experiment's results in the shape {@code results.schema.json} describes
 * ({@link ResultsSchema}).
 *
 * <pre>
 * {"experiment", "claim", "startedAt" (ISO-8601),
 *  "variants": [{"name", "settings": {key: value},
 *                "summary": {measure: number, in {@link Measures#SUMMARY} order, then any other},
 *                "windows": {window: {measure: number, in {@link Measures#WINDOW} order}} (when the experiment names any),
 *                "series": [{"t_s", ...the per-second measures}]}],
 *  "faults": [{"at_s", "until_s", "target", "what"}],
 *  "hypotheses": [{"text", "passed", "observed"}]}
 * </pre>
 *
 * A number that is not finite (NaN: nothing was measured) is written as {@code null}.
 */
public final class ResultsJson {

  private ResultsJson() {
  }

  public static JsonObject of(ExperimentResults results) {
    JsonArray variants = new JsonArray();
    results.variants().forEach(variant -> variants.add(variant(variant)));
    JsonArray faults = new JsonArray();
    for (FaultWindow fault : results.faults()) {
      faults.add(new JsonObject()
          .put("at_s", number(fault.atS()))
          .put("until_s", number(fault.untilS()))
          .put("target", fault.target())
          .put("what", fault.description()));
    }
    JsonArray hypotheses = new JsonArray();
    for (Verdict verdict : results.hypotheses()) {
      hypotheses.add(new JsonObject()
          .put("text", verdict.text())
          .put("passed", verdict.passed())
          .put("observed", verdict.observed()));
    }
    return new JsonObject()
        .put("experiment", results.experiment())
        .put("claim", results.claim())
        .put("startedAt", DateTimeFormatter.ISO_INSTANT.format(results.startedAt()))
        .put("variants", variants)
        .put("faults", faults)
        .put("hypotheses", hypotheses);
  }

  /** {@link #of} as indented text, ending with a newline. */
  public static String encode(ExperimentResults results) {
    return of(results).encodePrettily() + "\n";
  }

  /** The summary measures any variant has: those of {@link Measures#SUMMARY} in its order, then the others as met. */
  static List<String> summaryNames(List<VariantResults> variants) {
    Set<String> present = new LinkedHashSet<>();
    variants.forEach(variant -> present.addAll(variant.summary().keySet()));
    Set<String> names = new LinkedHashSet<>();
    Measures.SUMMARY.keySet().stream().filter(present::contains).forEach(names::add);
    names.addAll(present);
    return List.copyOf(names);
  }

  /** Every {@code <window>.<measure>} any variant has, window by window, each in {@link Measures#WINDOW} order. */
  static List<String> windowMeasureNames(List<VariantResults> variants) {
    Set<String> names = new LinkedHashSet<>();
    variants.forEach(variant -> variant.windows().forEach((window, measures) ->
        measures.keySet().forEach(measure -> names.add(window + "." + measure))));
    return List.copyOf(names);
  }

  /** The meaning of a {@code <window>.<measure>} name: the window's measure's. */
  static String windowMeaning(String name) {
    return Measures.WINDOW.getOrDefault(name.substring(name.indexOf('.') + 1), "");
  }

  private static JsonObject variant(VariantResults variant) {
    JsonObject settings = new JsonObject();
    variant.settings().forEach(settings::put);
    JsonObject summary = new JsonObject();
    for (String name : summaryNames(List.of(variant))) {
      summary.put(name, number(variant.summary().get(name)));
    }
    JsonArray series = new JsonArray();
    for (Map<String, Number> second : variant.series()) {
      series.add(second(second));
    }
    JsonObject json = new JsonObject()
        .put("name", variant.name())
        .put("settings", settings)
        .put("summary", summary);
    if (!variant.windows().isEmpty()) {
      JsonObject windows = new JsonObject();
      variant.windows().forEach((window, measures) -> {
        JsonObject values = new JsonObject();
        measures.forEach((name, value) -> values.put(name, number(value)));
        windows.put(window, values);
      });
      json.put("windows", windows);
    }
    return json.put("series", series);
  }

  /** One second: {@code t_s} first, then the measures of {@link Measures#SERIES} in order, then any other. */
  private static JsonObject second(Map<String, Number> second) {
    JsonObject entry = new JsonObject().put("t_s", number(second.get("t_s")));
    Measures.SERIES.keySet().stream().filter(second::containsKey).forEach(name -> entry.put(name, number(second.get(name))));
    second.forEach((name, value) -> {
      if (!entry.containsKey(name)) {
        entry.put(name, number(value));
      }
    });
    return entry;
  }

  /** The number as JSON writes it: integers stay integers, a non-finite double becomes null. */
  static Number number(Number value) {
    if (value instanceof Double || value instanceof Float) {
      double d = value.doubleValue();
      return Double.isFinite(d) ? value : null;
    }
    return value;
  }
}
