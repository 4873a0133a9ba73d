package dev.switchboard.experiment;

import dev.switchboard.experiment.report.MeasureFormat;
import dev.switchboard.experiment.report.VariantResults;

import java.io.PrintStream;
import java.util.List;

/** The measures of each variant side by side, for the console. */
final class ConsoleTable {

  private ConsoleTable() {
  }

  static void print(PrintStream out, List<VariantResults> variants, List<String> rows) {
    int width = Math.max(12, variants.stream().mapToInt(variant -> variant.name().length()).max().orElse(0) + 2);
    StringBuilder header = new StringBuilder(String.format("%-26s", "measure"));
    variants.forEach(variant -> header.append(String.format("%" + width + "s", variant.name())));
    out.println(header);
    out.println("-".repeat(header.length()));
    for (String row : rows) {
      StringBuilder line = new StringBuilder(String.format("%-26s", row));
      variants.forEach(variant -> line.append(String.format("%" + width + "s",
          MeasureFormat.format(row, variant.summary().get(row)))));
      out.println(line);
    }
  }
}
