package dev.switchboard.experiment.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plots of a report, drawn from the variants' per-second series and latency histograms: what each
 * shows, with its alt text and caption. Every variant keeps its colour across plots; time-series plots
 * shade the fault windows.
 */
public final class ReportPlots {

  private static final String SECONDS = "time since the start of the workload (s)";
  /** Percentile spectra: nothing above this many nines is drawn (the maximum is in the summary table). */
  private static final double MAX_SPECTRUM_X = 1e5;

  private ReportPlots() {
  }

  /** Every plot the results have data for, in the order the reports show them. */
  public static List<Plot> draw(ExperimentResults results) {
    List<Plot> plots = new ArrayList<>();
    plots.add(placeLatency(results));
    plots.add(terminalLatency(results));
    plots.add(throughput(results));
    plots.add(backlog(results));
    plots.add(queueDepth(results));
    plots.add(latencySpectrum(results));
    if (results.variants().stream().anyMatch(variant -> hasSamples(variant.consistencyLag()))) {
      plots.add(consistencyLag(results));
    }
    return plots;
  }

  private static Plot placeLatency(ExperimentResults results) {
    TimeSeriesPlot plot = new TimeSeriesPlot("PlaceOrder latency over time", "PlaceOrder latency (ms, log scale)", true);
    forEachVariant(results, (variant, index) -> {
      plot.line(variant.name() + " p99", variant, "place_p99_ms", index, false);
      plot.line(variant.name() + " p50", variant, "place_p50_ms", index, true);
    });
    return new Plot("place-latency.png", "PlaceOrder latency over time",
        "Line chart: PlaceOrder latency in milliseconds, 50th and 99th percentile of each second, per variant" + faultsAlt(results),
        "From each order's intended start to PlaceOrder's answer, over the answers of each second: p99 solid, p50 dashed. "
            + "Grey bands are fault windows.",
        plot.draw(results.faults()));
  }

  private static Plot terminalLatency(ExperimentResults results) {
    TimeSeriesPlot plot = new TimeSeriesPlot("Time to terminal state over time (p99)", "time to terminal, p99 (ms, log scale)", true);
    forEachVariant(results, (variant, index) -> plot.line(variant.name(), variant, "terminal_p99_ms", index, false));
    return new Plot("terminal-latency.png", "Time to terminal state over time",
        "Line chart: 99th percentile of the time to a terminal state, per second, per variant" + faultsAlt(results),
        "From each order's intended start to CONFIRMED or REJECTED, 99th percentile of the orders that ended in each second. "
            + "Grey bands are fault windows.",
        plot.draw(results.faults()));
  }

  private static Plot throughput(ExperimentResults results) {
    TimeSeriesPlot plot = new TimeSeriesPlot("Offered and completed orders per second", "orders per second", false);
    forEachVariant(results, (variant, index) -> {
      plot.line(variant.name() + " completed", variant, "terminal", index, false);
      plot.line(variant.name() + " offered", variant, "offered", index, true);
    });
    return new Plot("throughput.png", "Offered and completed orders per second",
        "Line chart: orders offered and orders reaching a terminal state in each second, per variant" + faultsAlt(results),
        "Offered (dashed) is what the open-loop workload scheduled; completed (solid) is orders that reached CONFIRMED or REJECTED "
            + "in that second. Completed below offered means a backlog is building. Grey bands are fault windows.",
        plot.draw(results.faults()));
  }

  private static Plot backlog(ExperimentResults results) {
    TimeSeriesPlot plot = new TimeSeriesPlot("Backlog over time", "orders accepted, not yet terminal", false);
    forEachVariant(results, (variant, index) -> plot.line(variant.name(), variant, "backlog", index, false));
    return new Plot("backlog.png", "Backlog over time",
        "Line chart: orders accepted and not yet terminal at the end of each second, per variant" + faultsAlt(results),
        "Orders accepted and not yet CONFIRMED or REJECTED at the end of each second. Grey bands are fault windows.",
        plot.draw(results.faults()));
  }

  private static Plot queueDepth(ExperimentResults results) {
    TimeSeriesPlot plot = new TimeSeriesPlot("Queue depth over time", "messages waiting or in flight", false);
    forEachVariant(results, (variant, index) -> plot.line(variant.name(), variant, "queue_depth", index, false));
    return new Plot("queue-depth.png", "Queue depth over time",
        "Line chart: messages waiting or in flight at the services' consumers at the end of each second, per variant"
            + faultsAlt(results),
        "Messages waiting or in flight at the services' consumers at the end of each second (zero where operations are "
            + "called synchronously). Grey bands are fault windows.",
        plot.draw(results.faults()));
  }

  private static Plot latencySpectrum(ExperimentResults results) {
    XYChart chart = spectrumChart("Latency by percentile", "latency (ms, log scale)");
    forEachVariant(results, (variant, index) -> {
      spectrum(chart, variant.name() + " time to terminal", variant.terminalLatency(), index, false);
      spectrum(chart, variant.name() + " PlaceOrder", variant.placeLatency(), index, true);
    });
    return new Plot("latency-spectrum.png", "Latency by percentile",
        "Percentile spectrum: PlaceOrder latency and time to terminal state in milliseconds against percentile, both on log scales, per variant",
        "Each point is the latency at or below which that share of orders finished, over the whole run: time to terminal solid, "
            + "PlaceOrder dashed. The x axis stretches the tail (90%, 99%, 99.9%, …) as HdrHistogram's plots do.",
        ChartCanvas.png(chart));
  }

  private static Plot consistencyLag(ExperimentResults results) {
    XYChart chart = spectrumChart("Consistency lag by percentile", "consistency lag (ms, log scale)");
    forEachVariant(results, (variant, index) -> spectrum(chart, variant.name(), variant.consistencyLag(), index, false));
    return new Plot("consistency-lag.png", "Consistency lag by percentile",
        "Percentile spectrum: consistency lag in milliseconds against percentile, both on log scales, per variant",
        "Sampled confirmed orders: the time from a client seeing CONFIRMED to stock and notification reflecting it.",
        ChartCanvas.png(chart));
  }

  private static XYChart spectrumChart(String title, String yAxisTitle) {
    XYChart chart = ChartCanvas.chart(title, "percentile (log scale of 1/(1 − p), as HdrHistogram plots it)", yAxisTitle);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0.###");
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(Math.log10(MAX_SPECTRUM_X));
    chart.getStyler().setXAxisTickMarkSpacingHint(140);
    chart.getStyler().setxAxisTickLabelsFormattingFunction(ReportPlots::nines);
    return chart;
  }

  /**
   * A histogram (microseconds) as milliseconds against x = log10(1/(1 − p)), drawn on a linear axis whose
   * whole ticks read as percentiles ({@link #nines}); nothing for an empty histogram.
   */
  private static void spectrum(XYChart chart, String name, Histogram histogram, int index, boolean dashed) {
    if (!hasSamples(histogram)) {
      return;
    }
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (HistogramIterationValue value : histogram.percentiles(5)) {
      double p = value.getPercentileLevelIteratedTo() / 100.0;
      double x = p >= 1.0 ? MAX_SPECTRUM_X : Math.min(1.0 / (1.0 - p), MAX_SPECTRUM_X);
      xs.add(Math.log10(x));
      ys.add(Math.max(histogram.highestEquivalentValue(value.getValueIteratedTo()) / 1000.0, 0.001));
      if (x >= MAX_SPECTRUM_X) {
        break;
      }
    }
    ChartCanvas.line(chart, name, toArray(xs), toArray(ys), index, dashed);
  }

  /** A tick of the spectrum's x axis, log10(1/(1 − p)): 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9%, …; none between. */
  static String nines(double log10) {
    long n = Math.round(log10);
    if (Math.abs(log10 - n) > 1e-6 || n < 0) {
      return " ";
    }
    return percentileLabel(Math.pow(10, n));
  }

  /** 1 → 0%, 10 → 90%, 100 → 99%, 1000 → 99.9%, … */
  static String percentileLabel(double x) {
    double percent = 100.0 * (1.0 - 1.0 / x);
    if (percent <= 0) {
      return "0%";
    }
    String text = String.format(Locale.ROOT, "%.6f", percent).replaceAll("0+$", "").replaceAll("\\.$", "");
    return text + "%";
  }

  private static boolean hasSamples(Histogram histogram) {
    return histogram != null && histogram.getTotalCount() > 0;
  }

  private static String faultsAlt(ExperimentResults results) {
    return results.faults().isEmpty() ? "" : "; grey bands mark the " + results.faults().size() + " fault window(s)";
  }

  private interface VariantAction {
    void accept(VariantResults variant, int index);
  }

  private static void forEachVariant(ExperimentResults results, VariantAction action) {
    for (int i = 0; i < results.variants().size(); i++) {
      action.accept(results.variants().get(i), i);
    }
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * One per-second measure per line against t_s; the fault bands go behind the lines, up to the top of the
   * y axis. Latencies use a logarithmic y axis, so a fast variant's line stays readable beside a slow one's.
   */
  private static final class TimeSeriesPlot {
    private final String title;
    private final String yAxisTitle;
    private final boolean logY;
    private final List<Line> lines = new ArrayList<>();

    TimeSeriesPlot(String title, String yAxisTitle, boolean logY) {
      this.title = title;
      this.yAxisTitle = yAxisTitle;
      this.logY = logY;
    }

    void line(String name, VariantResults variant, String measure, int index, boolean dashed) {
      List<Map<String, Number>> series = variant.series();
      double[] x = new double[series.size()];
      double[] y = new double[series.size()];
      for (int i = 0; i < series.size(); i++) {
        x[i] = value(series.get(i).get("t_s"));
        y[i] = value(series.get(i).get(measure));
        if (logY && y[i] <= 0) {
          y[i] = Double.NaN;
        }
      }
      lines.add(new Line(name, x, y, index, dashed));
    }

    byte[] draw(List<FaultWindow> faults) {
      XYChart chart = ChartCanvas.chart(title, SECONDS, yAxisTitle);
      DoubleSummaryStatistics ys = lines.stream().flatMapToDouble(line -> Arrays.stream(line.y()))
          .filter(Double::isFinite).summaryStatistics();
      double end = lines.stream().flatMapToDouble(line -> Arrays.stream(line.x())).filter(Double::isFinite).max().orElse(0);
      for (FaultWindow fault : faults) {
        end = Math.max(end, fault.untilS());
      }
      chart.getStyler().setXAxisMin(0.0);
      chart.getStyler().setXAxisMax(Math.max(end, 1.0));
      if (logY) {
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        double bottom = ys.getCount() == 0 ? 0.1 : Math.pow(10, Math.floor(Math.log10(ys.getMin())));
        double top = ys.getCount() == 0 ? 10 : Math.pow(10, Math.ceil(Math.log10(ys.getMax() * 1.2)));
        ChartCanvas.faultBands(chart, faults, bottom, top);
      } else {
        ChartCanvas.faultBands(chart, faults, 0.0, ys.getCount() > 0 && ys.getMax() > 0 ? ys.getMax() * 1.08 : 1.0);
      }
      for (Line line : lines) {
        if (Arrays.stream(line.y()).anyMatch(Double::isFinite)) {
          ChartCanvas.line(chart, line.name(), line.x(), line.y(), line.index(), line.dashed());
        }
      }
      if (chart.getSeriesMap().isEmpty()) {
        chart.getStyler().setYAxisLogarithmic(false);
        chart.addSeries("nothing measured", new double[] {0}, new double[] {0});
      }
      return ChartCanvas.png(chart);
    }

    private static double value(Number number) {
      return number == null ? Double.NaN : number.doubleValue();
    }
  }

  private record Line(String name, double[] x, double[] y, int index, boolean dashed) {
  }
}
