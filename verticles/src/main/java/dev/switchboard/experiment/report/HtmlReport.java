package dev.switchboard.experiment.report;

import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline style, plots embedded as PNG data, no script and
 * nothing fetched from anywhere): the claim, the hypotheses with their verdicts, each variant's settings,
 * the summary side by side, the fault schedule and the plots. Every text from the experiment is escaped.
 */
public final class HtmlReport {

  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;max-width:1000px;
      margin:2rem auto;padding:0 1rem;line-height:1.45}
      h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
      .meta{color:#666;font-size:.9rem}.claim{font-size:1.1rem;background:#f5f7fa;border-left:4px solid #0072B2;padding:.6rem 1rem}
      table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;vertical-align:top}
      th{background:#f2f2f2;text-align:left;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      td.meaning{color:#777;font-size:.8rem}code{font-family:"DejaVu Sans Mono",monospace;font-size:.85rem}
      .verdict{display:inline-block;min-width:3.2rem;text-align:center;font-weight:700;border-radius:4px;padding:.1rem .4rem;color:#fff}
      .pass{background:#1a7f37}.fail{background:#c62828}.overall{font-weight:600}
      .swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.4rem;vertical-align:-1px}
      figure{margin:1.2rem 0 2rem}figure img{width:100%;max-width:900px;height:auto;border:1px solid #eee}
      figcaption{color:#555;font-size:.9rem;margin-top:.3rem}ul.settings{margin:.2rem 0 .8rem;padding-left:1.2rem}
      """;

  private HtmlReport() {
  }

  public static String render(ExperimentResults results, List<Plot> plots) {
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(results.experiment())).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    html.append("<h1>").append(escape(results.experiment())).append("</h1>\n")
        .append("<p class=\"meta\">Started ").append(escape(DateTimeFormatter.ISO_INSTANT.format(results.startedAt())))
        .append(" · ").append(results.variants().size()).append(" variant(s)</p>\n")
        .append("<p class=\"claim\">").append(escape(results.claim())).append("</p>\n");
    hypotheses(html, results);
    variants(html, results);
    summary(html, results);
    faults(html, results);
    html.append("<h2>Plots</h2>\n");
    for (Plot plot : plots) {
      html.append("<figure>\n<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(plot.png()))
          .append("\" width=\"").append(ChartCanvas.WIDTH).append("\" height=\"").append(ChartCanvas.HEIGHT)
          .append("\" alt=\"").append(escape(plot.alt())).append("\">\n")
          .append("<figcaption><strong>").append(escape(plot.title())).append(".</strong> ")
          .append(escape(plot.caption())).append("</figcaption>\n</figure>\n");
    }
    html.append("<p class=\"meta\">The same numbers are in results.json (its shape: results.schema.json); ")
        .append("each variant's latency histograms are in &lt;variant&gt;.hlog (HdrHistogram log format, microseconds).</p>\n")
        .append("</body>\n</html>\n");
    return html.toString();
  }

  private static void hypotheses(StringBuilder html, ExperimentResults results) {
    html.append("<h2>Hypotheses</h2>\n");
    if (results.hypotheses().isEmpty()) {
      html.append("<p>No hypotheses were stated.</p>\n");
      return;
    }
    long failed = results.hypotheses().stream().filter(verdict -> !verdict.passed()).count();
    html.append("<p class=\"overall\">").append(failed == 0 ? "Every hypothesis held."
        : failed + " of " + results.hypotheses().size() + " hypotheses failed.").append("</p>\n");
    html.append("<table class=\"hypotheses\">\n<tr><th>verdict</th><th>hypothesis</th><th>observed</th></tr>\n");
    for (Verdict verdict : results.hypotheses()) {
      html.append("<tr><td><span class=\"verdict ").append(verdict.passed() ? "pass\">PASS" : "fail\">FAIL")
          .append("</span></td><td>").append(escape(verdict.text())).append("</td><td><code>")
          .append(escape(verdict.observed())).append("</code></td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void variants(StringBuilder html, ExperimentResults results) {
    html.append("<h2>Variants</h2>\n<p>Each variant's settings that differ from the defaults.</p>\n");
    for (int i = 0; i < results.variants().size(); i++) {
      VariantResults variant = results.variants().get(i);
      html.append("<h3>").append(swatch(i)).append(escape(variant.name())).append("</h3>\n");
      if (variant.settings().isEmpty()) {
        html.append("<p>the defaults</p>\n");
        continue;
      }
      html.append("<ul class=\"settings\">\n");
      for (Map.Entry<String, String> setting : variant.settings().entrySet()) {
        html.append("<li><code>").append(escape(setting.getKey())).append(" = ").append(escape(setting.getValue()))
            .append("</code></li>\n");
      }
      html.append("</ul>\n");
    }
  }

  private static void summary(StringBuilder html, ExperimentResults results) {
    html.append("<h2>Summary</h2>\n<p class=\"meta\">Over each variant's whole run. Latencies in milliseconds from each ")
        .append("order's intended start; – where nothing was measured.</p>\n<table class=\"summary\">\n<tr><th>measure</th>");
    for (int i = 0; i < results.variants().size(); i++) {
      html.append("<th>").append(swatch(i)).append(escape(results.variants().get(i).name())).append("</th>");
    }
    html.append("<th>meaning</th></tr>\n");
    for (String measure : ResultsJson.summaryNames(results.variants())) {
      html.append("<tr><td><code>").append(escape(measure)).append("</code></td>");
      for (VariantResults variant : results.variants()) {
        html.append("<td class=\"num\">").append(escape(MeasureFormat.format(measure, variant.summary().get(measure))))
            .append("</td>");
      }
      html.append("<td class=\"meaning\">").append(escape(Measures.SUMMARY.getOrDefault(measure, ""))).append("</td></tr>\n");
    }
    html.append("</table>\n");
    List<String> windowed = ResultsJson.windowMeasureNames(results.variants());
    if (windowed.isEmpty()) {
      return;
    }
    html.append("<h2>Windows</h2>\n<p class=\"meta\">The orders due within each named window of the run, as ")
        .append("<code>&lt;window&gt;.&lt;measure&gt;</code>.</p>\n<table class=\"summary\">\n<tr><th>measure</th>");
    for (int i = 0; i < results.variants().size(); i++) {
      html.append("<th>").append(swatch(i)).append(escape(results.variants().get(i).name())).append("</th>");
    }
    html.append("<th>meaning</th></tr>\n");
    for (String measure : windowed) {
      html.append("<tr><td><code>").append(escape(measure)).append("</code></td>");
      for (VariantResults variant : results.variants()) {
        html.append("<td class=\"num\">").append(escape(MeasureFormat.format(measure, variant.measures().get(measure))))
            .append("</td>");
      }
      html.append("<td class=\"meaning\">").append(escape(ResultsJson.windowMeaning(measure))).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void faults(StringBuilder html, ExperimentResults results) {
    html.append("<h2>Fault schedule</h2>\n");
    if (results.faults().isEmpty()) {
      html.append("<p>No faults were injected.</p>\n");
      return;
    }
    html.append("<table class=\"faults\">\n<tr><th>from (s)</th><th>until (s)</th><th>target</th><th>what</th></tr>\n");
    for (FaultWindow fault : results.faults()) {
      html.append("<tr><td class=\"num\">").append(MeasureFormat.format("at_s", fault.atS()))
          .append("</td><td class=\"num\">").append(MeasureFormat.format("until_s", fault.untilS()))
          .append("</td><td><code>").append(escape(fault.target())).append("</code></td><td>")
          .append(escape(fault.description())).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static String swatch(int variantIndex) {
    return "<span class=\"swatch\" style=\"background:#" + String.format("%06X", ChartCanvas.colour(variantIndex).getRGB() & 0xFFFFFF)
        + "\"></span>";
  }

  /** Text as HTML shows it, safe in element content and in quoted attributes. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
