package dev.switchboard.bench;

import java.util.List;

/**
 * What one suite measured: its comparisons (the table), curves (the plots) and notes (what a reader
 * must know to trust the figures: settings, payload sizes, what each side does, anything that went
 * wrong).
 */
public record SuiteResult(String suite, List<Comparison> comparisons, List<Curve> curves, List<String> notes) {

  public SuiteResult {
    comparisons = List.copyOf(comparisons);
    curves = List.copyOf(curves);
    notes = List.copyOf(notes);
  }
}
