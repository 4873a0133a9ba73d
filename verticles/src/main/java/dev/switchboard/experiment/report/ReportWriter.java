package dev.switchboard.experiment.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes an experiment's results to a directory: {@code results.json} and {@code results.schema.json}
 * ({@link ResultsJson}, {@link ResultsSchema}), {@code report.html} ({@link HtmlReport}), {@code report.md}
 * with the plots beside it as PNG files ({@link MarkdownReport}, {@link ReportPlots}), and one
 * {@code <variant>.hlog} per variant ({@link HistogramLogs}).
 */
public final class ReportWriter {

  private static final Logger LOGGER = LoggerFactory.getLogger(ReportWriter.class);

  public static final String RESULTS_JSON = "results.json";
  public static final String RESULTS_SCHEMA = "results.schema.json";
  public static final String REPORT_HTML = "report.html";
  public static final String REPORT_MD = "report.md";

  private ReportWriter() {
  }

  /** Writes everything into {@code outDir} (created if need be) and returns the path of {@code report.html}. */
  public static Path write(ExperimentResults results, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    writeText(outDir.resolve(RESULTS_JSON), ResultsJson.encode(results));
    writeText(outDir.resolve(RESULTS_SCHEMA), ResultsSchema.encode());

    List<Plot> plots = ReportPlots.draw(results);
    for (Plot plot : plots) {
      Files.write(outDir.resolve(plot.file()), plot.png());
    }
    writeText(outDir.resolve(REPORT_MD), MarkdownReport.render(results, plots));
    Path html = outDir.resolve(REPORT_HTML);
    writeText(html, HtmlReport.render(results, plots));

    for (VariantResults variant : results.variants()) {
      HistogramLogs.write(variant, results.startedAt(), durationS(variant), outDir);
    }
    LOGGER.info("Report of {} written to {}", results.experiment(), html);
    return html;
  }

  /** The variant's run length: its {@code duration_s}, else the length of its series. */
  private static double durationS(VariantResults variant) {
    Number duration = variant.summary().get("duration_s");
    if (duration != null && Double.isFinite(duration.doubleValue())) {
      return duration.doubleValue();
    }
    List<Map<String, Number>> series = variant.series();
    if (series.isEmpty() || series.get(series.size() - 1).get("t_s") == null) {
      return 0.0;
    }
    return series.get(series.size() - 1).get("t_s").doubleValue() + 1.0;
  }

  private static void writeText(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
