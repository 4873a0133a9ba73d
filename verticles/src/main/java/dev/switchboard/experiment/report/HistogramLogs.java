package dev.switchboard.experiment.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One HdrHistogram log per variant, {@code <variant>.hlog}: its whole-run histograms (microseconds) as
 * one interval each, tagged {@value #PLACE}, {@value #TERMINAL} and {@value #CONSISTENCY_LAG}, for
 * HdrHistogram's own tools ({@code HistogramLogProcessor}, the online plotter).
 */
public final class HistogramLogs {

  public static final String PLACE = "place";
  public static final String TERMINAL = "terminal";
  public static final String CONSISTENCY_LAG = "consistency_lag";

  private HistogramLogs() {
  }

  /** The log's file name: the variant's name with anything but letters, digits, '.', '_' and '-' replaced by '_'. */
  public static String fileName(String variant) {
    return variant.replaceAll("[^A-Za-z0-9._-]", "_") + ".hlog";
  }

  public static Path write(VariantResults variant, Instant startedAt, double durationS, Path dir) throws IOException {
    Path file = dir.resolve(fileName(variant.name()));
    try (OutputStream out = Files.newOutputStream(file);
         PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8)) {
      HistogramLogWriter writer = new HistogramLogWriter(print);
      writer.outputComment("Switchboard experiment variant " + variant.name().replaceAll("\\R", " ")
          + ": whole-run latency histograms in microseconds (max column in milliseconds)");
      writer.outputLogFormatVersion();
      writer.outputStartTime(startedAt.toEpochMilli());
      writer.setBaseTime(startedAt.toEpochMilli());
      writer.outputLegend();
      Map<String, Histogram> tagged = new java.util.LinkedHashMap<>();
      tagged.put(PLACE, variant.placeLatency());
      tagged.put(TERMINAL, variant.terminalLatency());
      tagged.put(CONSISTENCY_LAG, variant.consistencyLag());
      for (Map.Entry<String, Histogram> entry : tagged.entrySet()) {
        if (entry.getValue() == null) {
          continue;
        }
        Histogram copy = entry.getValue().copy();
        copy.setTag(entry.getKey());
        writer.outputIntervalHistogram(0.0, durationS, copy, 1000.0);
      }
      print.flush();
      if (print.checkError()) {
        throw new IOException("could not write " + file);
      }
    }
    return file;
  }
}
