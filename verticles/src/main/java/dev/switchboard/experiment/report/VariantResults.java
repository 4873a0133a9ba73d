package dev.switchboard.experiment.report;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * One variant's run.
 *
 * @param name            the variant's name
 * @param settings        its settings that differ from the defaults (key → value), sorted by key
 * @param summary         the measures over the whole run (see {@link Measures}), in a stable order
 * @param windows         the measures over each named window of the run ({@link Measures#WINDOW}), by window name
 * @param series          one entry per second of the run: {@code t_s} then the per-second measures
 * @param placeLatency    microseconds from each order's intended start to PlaceOrder's answer
 * @param terminalLatency microseconds from each order's intended start to its terminal state
 * @param consistencyLag  microseconds from a client seeing an order confirmed to stock and notification reflecting it (sampled)
 */
public record VariantResults(String name, Map<String, String> settings, Map<String, Number> summary,
                             Map<String, Map<String, Number>> windows, List<Map<String, Number>> series,
                             Histogram placeLatency, Histogram terminalLatency, Histogram consistencyLag) {

  /** Every measure a hypothesis may read: the summary's, then each window's as {@code <window>.<measure>}. */
  public Map<String, Number> measures() {
    Map<String, Number> measures = new java.util.LinkedHashMap<>(summary);
    windows.forEach((window, values) -> values.forEach((measure, value) -> measures.put(window + "." + measure, value)));
    return measures;
  }
}
