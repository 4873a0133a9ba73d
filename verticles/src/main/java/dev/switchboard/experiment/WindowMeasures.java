package dev.switchboard.experiment;

import dev.switchboard.experiment.ExperimentSpec.WindowSpec;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What clients saw of the orders due within one named window of the timeline (see
 * {@link dev.switchboard.experiment.report.Measures#WINDOW}): fed by the run as their answers and
 * terminal states come, whenever that is.
 */
final class WindowMeasures {

  private final WindowSpec window;
  private final Histogram place = Latencies.histogram();
  private final Histogram terminal = Latencies.histogram();
  private int sent;
  private int answeredPending;
  private int errors;
  private int confirmed;
  private int rejected;

  WindowMeasures(WindowSpec window) {
    this.window = window;
  }

  String name() {
    return window.name();
  }

  /** Whether the order due {@code dueNanos} after the start is this window's. */
  boolean holds(long dueNanos) {
    return window.contains(TimeUnit.NANOSECONDS.toMillis(dueNanos));
  }

  void sent() {
    sent++;
  }

  void answered(long micros, boolean pending) {
    place.recordValue(micros);
    if (pending) {
      answeredPending++;
    }
  }

  void failed() {
    errors++;
  }

  void ended(long micros, boolean confirmedOrder) {
    terminal.recordValue(micros);
    if (confirmedOrder) {
      confirmed++;
    } else {
      rejected++;
    }
  }

  /** The window's measures, in {@code Measures.WINDOW} order. */
  Map<String, Number> measures() {
    Map<String, Number> measures = new LinkedHashMap<>();
    measures.put("from_s", window.fromMs() / 1000.0);
    measures.put("until_s", window.untilMs() / 1000.0);
    measures.put("sent", sent);
    measures.put("answered_pending", answeredPending);
    measures.put("errors", errors);
    measures.put("confirmed", confirmed);
    measures.put("rejected", rejected);
    measures.put("place_p50_ms", Latencies.millis(place, 50));
    measures.put("place_p90_ms", Latencies.millis(place, 90));
    measures.put("place_p99_ms", Latencies.millis(place, 99));
    measures.put("terminal_p50_ms", Latencies.millis(terminal, 50));
    measures.put("terminal_p90_ms", Latencies.millis(terminal, 90));
    measures.put("terminal_p99_ms", Latencies.millis(terminal, 99));
    return measures;
  }
}
