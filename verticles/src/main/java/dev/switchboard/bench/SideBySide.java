package dev.switchboard.bench;

import dev.switchboard.node.Blocking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures several sides of a comparison the same way: each side driven by its own {@link ClosedLoop}
 * with the same number of calls in flight, warm-up rounds first (not kept), then rounds taken in turn
 * (A, B, C, A, B, C, …) so that every side sees the machine in the same states, each side's rounds added
 * up. A side whose calls fail is not measured: the run stops with its first failure.
 */
final class SideBySide {

  /** One side: its name in the progress lines and its load. */
  record Side(String name, ClosedLoop load) {
  }

  /** Every side's rounds added up, by name in the order given, and each round's figures. */
  record Outcome(Map<String, ClosedLoop.Figures> total, List<Map<String, ClosedLoop.Figures>> rounds) {

    ClosedLoop.Figures get(String side) {
      return total.get(side);
    }

    /** The throughput ratio of {@code side} over {@code baseline} in each round, formatted, for the notes. */
    String roundRatios(String side, String baseline) {
      List<String> ratios = new ArrayList<>();
      for (Map<String, ClosedLoop.Figures> round : rounds) {
        ratios.add(String.format(Locale.ROOT, "%.2f",
            round.get(side).callsPerSecond() / round.get(baseline).callsPerSecond()));
      }
      return String.join(", ", ratios);
    }
  }

  private final List<Side> sides;
  private final Consumer<String> progress;

  SideBySide(List<Side> sides, Consumer<String> progress) {
    this.sides = List.copyOf(sides);
    this.progress = progress;
  }

  /**
   * @param outstanding  calls in flight, on every side
   * @param warmupRounds warm-up rounds per side, taken in turn as the measured ones
   * @param warmupMs     the length of a warm-up round
   * @param rounds       measured rounds per side
   * @param roundMs      the length of a measured round
   */
  Outcome run(int outstanding, int warmupRounds, long warmupMs, int rounds, long roundMs) {
    for (int round = 1; round <= warmupRounds; round++) {
      StringBuilder line = new StringBuilder("warm-up " + round + "/" + warmupRounds + ", " + outstanding
          + " in flight:");
      for (Side side : sides) {
        ClosedLoop.Figures warm = measure(side, outstanding, warmupMs);
        line.append(String.format(Locale.ROOT, " %s %,.0f/s;", side.name(), warm.callsPerSecond()));
      }
      progress.accept(line.substring(0, line.length() - 1));
    }
    Map<String, ClosedLoop.Figures> total = new LinkedHashMap<>();
    sides.forEach(side -> total.put(side.name(), ClosedLoop.Figures.empty()));
    List<Map<String, ClosedLoop.Figures>> each = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      StringBuilder line = new StringBuilder("round " + round + "/" + rounds + ", " + outstanding + " in flight:");
      Map<String, ClosedLoop.Figures> thisRound = new LinkedHashMap<>();
      for (Side side : sides) {
        ClosedLoop.Figures figures = measure(side, outstanding, roundMs);
        thisRound.put(side.name(), figures);
        total.merge(side.name(), figures, ClosedLoop.Figures::plus);
        line.append(String.format(Locale.ROOT, " %s %,.0f/s p99 %.2f ms;", side.name(),
            figures.callsPerSecond(), figures.p99Ms()));
      }
      each.add(thisRound);
      progress.accept(line.substring(0, line.length() - 1));
    }
    return new Outcome(total, List.copyOf(each));
  }

  /** One run of a side (it lasts until as many calls were answered as are in flight: {@link ClosedLoop}). */
  private static ClosedLoop.Figures measure(Side side, int outstanding, long durationMs) {
    ClosedLoop.Figures figures = Blocking.await(side.load().run(outstanding, durationMs));
    if (figures.failures() > 0) {
      throw new IllegalStateException(side.name() + ": " + figures.failures() + " of "
          + (figures.calls() + figures.failures()) + " calls failed, the first with: " + figures.firstFailure());
    }
    return figures;
  }
}
