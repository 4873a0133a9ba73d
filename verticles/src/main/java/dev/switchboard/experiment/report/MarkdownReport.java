package dev.switchboard.experiment.report;

import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code report.md}: the claim, the hypotheses with their verdicts, each variant's settings, the summary
 * side by side (and each named window's), and the fault schedule as Markdown, and the plots as links to the PNG files written beside it.
 */
public final class MarkdownReport {

  private MarkdownReport() {
  }

  public static String render(ExperimentResults results, List<Plot> plots) {
    StringBuilder md = new StringBuilder(8 * 1024);
    md.append("# ").append(inline(results.experiment())).append("\n\n")
        .append("Started ").append(DateTimeFormatter.ISO_INSTANT.format(results.startedAt())).append(" · ")
        .append(results.variants().size()).append(" variant(s)\n\n")
        .append("> ").append(inline(results.claim())).append("\n\n");

    md.append("## Hypotheses\n\n");
    if (results.hypotheses().isEmpty()) {
      md.append("No hypotheses were stated.\n\n");
    } else {
      md.append("| verdict | hypothesis | observed |\n|---|---|---|\n");
      for (Verdict verdict : results.hypotheses()) {
        md.append("| **").append(verdict.passed() ? "PASS" : "FAIL").append("** | ").append(inline(verdict.text()))
            .append(" | ").append(code(verdict.observed())).append(" |\n");
      }
      md.append('\n');
    }

    md.append("## Variants\n\nEach variant's settings that differ from the defaults.\n\n");
    for (VariantResults variant : results.variants()) {
      md.append("- **").append(inline(variant.name())).append("**: ");
      if (variant.settings().isEmpty()) {
        md.append("the defaults\n");
        continue;
      }
      md.append(String.join(", ", variant.settings().entrySet().stream()
          .map(setting -> code(setting.getKey() + " = " + setting.getValue())).toList())).append('\n');
    }

    md.append("\n## Summary\n\nOver each variant's whole run. Latencies in milliseconds from each order's intended start; ")
        .append(MeasureFormat.NONE).append(" where nothing was measured.\n\n| measure |");
    for (VariantResults variant : results.variants()) {
      md.append(' ').append(inline(variant.name())).append(" |");
    }
    md.append(" meaning |\n|---|");
    results.variants().forEach(variant -> md.append("---:|"));
    md.append("---|\n");
    for (String measure : ResultsJson.summaryNames(results.variants())) {
      md.append("| `").append(measure).append("` |");
      for (VariantResults variant : results.variants()) {
        md.append(' ').append(MeasureFormat.format(measure, variant.summary().get(measure))).append(" |");
      }
      md.append(' ').append(inline(Measures.SUMMARY.getOrDefault(measure, ""))).append(" |\n");
    }

    List<String> windowed = ResultsJson.windowMeasureNames(results.variants());
    if (!windowed.isEmpty()) {
      md.append("\n## Windows\n\nThe orders due within each named window of the run, as `<window>.<measure>`.\n\n| measure |");
      results.variants().forEach(variant -> md.append(' ').append(inline(variant.name())).append(" |"));
      md.append(" meaning |\n|---|");
      results.variants().forEach(variant -> md.append("---:|"));
      md.append("---|\n");
      for (String measure : windowed) {
        md.append("| `").append(measure).append("` |");
        for (VariantResults variant : results.variants()) {
          md.append(' ').append(MeasureFormat.format(measure, variant.measures().get(measure))).append(" |");
        }
        md.append(' ').append(inline(ResultsJson.windowMeaning(measure))).append(" |\n");
      }
    }

    md.append("\n## Fault schedule\n\n");
    if (results.faults().isEmpty()) {
      md.append("No faults were injected.\n");
    } else {
      md.append("| from (s) | until (s) | target | what |\n|---:|---:|---|---|\n");
      for (FaultWindow fault : results.faults()) {
        md.append("| ").append(MeasureFormat.format("at_s", fault.atS())).append(" | ")
            .append(MeasureFormat.format("until_s", fault.untilS())).append(" | ").append(code(fault.target()))
            .append(" | ").append(inline(fault.description())).append(" |\n");
      }
    }

    md.append("\n## Plots\n");
    for (Plot plot : plots) {
      md.append("\n### ").append(plot.title()).append("\n\n![").append(inline(plot.alt())).append("](")
          .append(plot.file()).append(")\n\n").append(plot.caption()).append('\n');
    }
    md.append("\nThe same numbers are in `results.json` (its shape: `results.schema.json`); each variant's latency ")
        .append("histograms are in `<variant>.hlog` (HdrHistogram log format, microseconds).\n");
    return md.toString();
  }

  /** Text on one line, with what Markdown would read as markup or HTML escaped. */
  private static String inline(String text) {
    if (text == null) {
      return "";
    }
    return text.replaceAll("\\s*\\R\\s*", " ").replaceAll("([\\\\`*_\\[\\]<>|#])", "\\\\$1");
  }

  /** Text as inline code, in a table cell too: a pipe would end the cell, so it is escaped. */
  private static String code(String text) {
    String oneLine = text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|");
    String fence = oneLine.contains("`") ? "`` " : "`";
    return fence + oneLine + (fence.length() > 1 ? " ``" : "`");
  }
}
