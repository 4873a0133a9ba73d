package dev.switchboard.bench;

import dev.switchboard.experiment.report.ChartCanvas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a bench run leaves: the table on the console, {@code bench.json} (every comparison with both
 * figures, the ratio and the goal, every curve, every note, and the machine it ran on), and one PNG per
 * plot the suites drew curves for.
 */
final class BenchReport {

  /**
   * A line of at most this many points shows each as a dot (the steps of a rate search, the levels of
   * calls in flight); a longer one (the heap after every collection of a soak) is drawn as a line alone.
   */
  static final int DOTS_UP_TO = 40;

  private BenchReport() {
  }

  /** A suite that failed: its name and why, reported beside the others. */
  record Failure(String suite, String error) {
  }

  static void print(PrintStream out, List<SuiteResult> results, List<Failure> failures) {
    out.println();
    out.printf(Locale.ROOT, "%-9s %-24s %-44s %12s %-40s %12s %8s %-8s%n", "suite", "measure", "switchboard", "",
        "baseline", "", "ratio", "goal");
    for (SuiteResult result : results) {
      for (Comparison comparison : result.comparisons()) {
        out.printf(Locale.ROOT, "%-9s %-24s %-44s %12s %-40s %12s %8s %-8s%n", comparison.suite(),
            comparison.measure(), clip(comparison.switchboard(), 44),
            figure(comparison.switchboardValue(), comparison.unit()), clip(comparison.baseline(), 40),
            figure(comparison.baselineValue(), comparison.unit()), ratio(comparison.ratio()),
            comparison.goal() == null ? "" : comparison.goal() + (comparison.met() ? " ✓" : " ✗"));
      }
    }
    for (SuiteResult result : results) {
      if (!result.notes().isEmpty()) {
        out.println();
        out.println(result.suite() + ":");
        result.notes().forEach(note -> out.println("  - " + note));
      }
    }
    for (Failure failure : failures) {
      out.println();
      out.println(failure.suite() + " FAILED: " + failure.error());
    }
  }

  static String figure(double value, String unit) {
    if (Double.isNaN(value)) {
      return "–";
    }
    String number = Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
        : Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%.1f", value)
        : String.format(Locale.ROOT, "%.2f", value);
    return number + " " + unit;
  }

  private static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, ratio != 0 && Math.abs(ratio) < 0.1 ? "%.3f×" : "%.2f×",
        ratio);
  }

  private static String clip(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "…";
  }

  /** Writes {@code bench.json} and the plots into {@code out}; returns the files written. */
  static List<Path> write(Path out, boolean quick, List<SuiteResult> results, List<Failure> failures)
      throws IOException {
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    Path json = out.resolve("bench.json");
    Files.writeString(json, json(quick, results, failures).encodePrettily(), StandardCharsets.UTF_8);
    written.add(json);
    Map<String, List<Curve>> plots = new LinkedHashMap<>();
    results.forEach(result -> result.curves().forEach(curve ->
        plots.computeIfAbsent(curve.plot(), ignored -> new ArrayList<>()).add(curve)));
    for (Map.Entry<String, List<Curve>> plot : plots.entrySet()) {
      Path png = out.resolve(plot.getKey() + ".png");
      Files.write(png, plot(plot.getKey(), plot.getValue()));
      written.add(png);
    }
    return written;
  }

  private static byte[] plot(String name, List<Curve> curves) {
    Curve first = curves.get(0);
    XYChart chart = ChartCanvas.chart(name, first.xTitle(), first.yTitle());
    for (int i = 0; i < curves.size(); i++) {
      Curve curve = curves.get(i);
      double[] x = curve.points().stream().mapToDouble(Curve.Point::x).toArray();
      double[] y = curve.points().stream().mapToDouble(Curve.Point::y).toArray();
      if (x.length == 0) {
        continue;
      }
      XYSeries line = ChartCanvas.line(chart, curve.series(), x, y, i, false);
      if (x.length <= DOTS_UP_TO) {
        ChartCanvas.marked(chart, line);
      }
    }
    return ChartCanvas.png(chart);
  }

  static JsonObject json(boolean quick, List<SuiteResult> results, List<Failure> failures) {
    JsonArray suites = new JsonArray();
    for (SuiteResult result : results) {
      JsonArray comparisons = new JsonArray();
      result.comparisons().forEach(comparison -> comparisons.add(new JsonObject()
          .put("measure", comparison.measure()).put("unit", comparison.unit())
          .put("switchboard", new JsonObject().put("does", comparison.switchboard())
              .put("value", finite(comparison.switchboardValue())))
          .put("baseline", new JsonObject().put("does", comparison.baseline())
              .put("value", finite(comparison.baselineValue())))
          .put("ratio", finite(comparison.ratio()))
          .put("goal", comparison.goal() == null ? null : new JsonObject()
              .put("ratio", comparison.goal().atLeast() ? "at least" : "at most")
              .put("bound", comparison.goal().bound()))
          .put("met", comparison.goal() == null ? null : comparison.met())));
      JsonArray curves = new JsonArray();
      result.curves().forEach(curve -> curves.add(new JsonObject().put("plot", curve.plot())
          .put("series", curve.series()).put("x", curve.xTitle()).put("y", curve.yTitle())
          .put("points", new JsonArray(curve.points().stream()
              .map(point -> new JsonArray().add(finite(point.x())).add(finite(point.y()))).toList()))));
      suites.add(new JsonObject().put("suite", result.suite()).put("comparisons", comparisons)
          .put("curves", curves).put("notes", new JsonArray(result.notes())));
    }
    JsonArray failed = new JsonArray();
    failures.forEach(failure -> failed.add(new JsonObject().put("suite", failure.suite())
        .put("error", failure.error())));
    Runtime runtime = Runtime.getRuntime();
    return new JsonObject().put("at", Instant.now().toString()).put("quick", quick)
        .put("machine", new JsonObject().put("cores", runtime.availableProcessors())
            .put("maxHeapMiB", runtime.maxMemory() / (1024 * 1024))
            .put("java", System.getProperty("java.runtime.version"))
            .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")))
        .put("suites", suites).put("failures", failed);
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
