package dev.switchboard.bench;

import dev.switchboard.experiment.JitWatch;
import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checkout suite's table, plots and notes. The table's baseline is the performance target set for a
 * variant on a store (10,000 orders/s all-rpc and all-event on H2 in memory, 5,000/s on the H2 file
 * store, 2,000/s all-kafka on the H2 file store): not a measurement, so the ratio is the share of
 * the target reached. Pairs without a target are reported only.
 */
final class CheckoutReport {

  static final String THROUGHPUT_PLOT = "checkout-throughput";
  static final String P99_PLOT = "checkout-p99";

  private CheckoutReport() {
  }

  /** The target for {@code variant} on {@code store}, in orders/s; NaN when there is none. */
  static double target(String variant, CheckoutStore store) {
    boolean local = variant.equals("all-rpc") || variant.equals("all-event");
    if (local && store == CheckoutStore.MEMORY) {
      return 10_000;
    }
    if (local && store == CheckoutStore.H2_FILE) {
      return 5_000;
    }
    if (variant.equals("all-kafka") && store == CheckoutStore.H2_FILE) {
      return 2_000;
    }
    return Double.NaN;
  }

  static SuiteResult result(String suite, CheckoutSuite.Run run) {
    List<Comparison> comparisons = new ArrayList<>();
    List<Curve> curves = new ArrayList<>();
    List<String> notes = new ArrayList<>(run.notes());
    for (CheckoutSuite.Measured measured : run.pairs()) {
      CheckoutSuite.Pair pair = measured.pair();
      SaturationSearch.Outcome outcome = measured.outcome();
      double target = target(pair.variant(), pair.store());
      boolean hasTarget = !Double.isNaN(target);
      comparisons.add(new Comparison(suite, "saturation", "orders/s",
          pair.label() + (outcome.capped() ? " (≥, the ceiling)" : ""), outcome.found(),
          hasTarget ? "performance target" : "no target: report only", target,
          hasTarget ? Comparison.Goal.atLeast(1.0) : null));
      LoadResult half = outcome.half();
      comparisons.add(new Comparison(suite, "p99 at half rate", "ms",
          half == null ? pair.label() + ": nothing kept up" : String.format(Locale.ROOT, "%s @ %,d/s, p50 %s",
              pair.label(), half.rate(), SaturationSearch.millis(half.total().latencyMillis(50))),
          CheckoutSuite.p99(half), "–", Double.NaN, null));
      List<LoadResult> runs = outcome.runs(); // in the order run: a Curve keeps its points in x order
      curves.add(new Curve(THROUGHPUT_PLOT, pair.label(), "offered rate (orders/s)", "terminal throughput (orders/s)",
          runs.stream().map(result -> new Curve.Point(result.rate(), result.throughput())).toList()));
      curves.add(new Curve(P99_PLOT, pair.label(), "offered rate (orders/s)", "terminal p99 (ms)",
          runs.stream().filter(result -> !Double.isNaN(CheckoutSuite.p99(result)))
              .map(result -> new Curve.Point(result.rate(), CheckoutSuite.p99(result))).toList()));
      int notEnded = CheckoutSuite.notEnded(outcome);
      int failed = CheckoutSuite.failedCalls(outcome);
      notes.add(String.format(Locale.ROOT, "%s: %d runs, %,d orders terminal%s%s%s", pair.label(),
          outcome.runs().size(), CheckoutSuite.terminal(outcome),
          notEnded == 0 ? ", none left unended" : String.format(Locale.ROOT, ", %,d not ended within their run's grace"
              + " (runs beyond saturation)", notEnded),
          failed == 0 ? "" : String.format(Locale.ROOT, ", %,d PlaceOrder calls failed", failed),
          outcome.undrained() == 0 ? "" : ", " + outcome.undrained() + " run(s) whose backlog did not drain in time"));
      notes.addAll(costNotes(pair, outcome));
    }
    return new SuiteResult(suite, comparisons, curves, notes);
  }

  /**
   * What an order cost at the saturation step and at half of it ({@link OrderCost}): the CPU per order
   * bounds the rate on this machine whatever the code does around it.
   */
  static List<String> costNotes(CheckoutSuite.Pair pair, SaturationSearch.Outcome outcome) {
    List<String> notes = new ArrayList<>();
    outcome.steps().stream().filter(step -> step.rate() == outcome.found() && step.keptUp()).findFirst()
        .filter(step -> step != outcome.half())
        .ifPresent(step -> costNote(notes, pair, "saturation", step, outcome.cost(step)));
    if (outcome.half() != null) {
      costNote(notes, pair, "half rate", outcome.half(), outcome.cost(outcome.half()));
    }
    return notes;
  }

  private static void costNote(List<String> notes, CheckoutSuite.Pair pair, String role, LoadResult run,
                               OrderCost cost) {
    if (cost != null) {
      notes.add(String.format(Locale.ROOT, "%s @ %,d/s (%s): %s", pair.label(), run.rate(), role, cost.describe()));
    }
  }

  /** The system's load average now: a figure measured on a machine busy with other work is lower. */
  static String loadAverage() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "load average unknown" : String.format(Locale.ROOT, "load average %.1f at the end", load);
  }

  static List<String> notes(SaturationPlan plan, boolean quick, List<String> variants) {
    List<String> notes = new ArrayList<>();
    notes.add("baseline = the performance target for the variant and store, not a measurement: ratio = rate reached / "
        + "target (10,000/s all-rpc and all-event on H2 in memory, 5,000/s on the H2 file store, 2,000/s all-kafka on"
        + " the H2 file store; other pairs report only)");
    notes.add("saturation = the highest open-loop rate a step kept up with: terminal throughput ≥ "
        + Math.round(LoadResult.KEEP_UP_SHARE * 100) + "% of the offered rate, p99 (from each order's intended"
        + " start to its terminal state) < " + Math.round(LoadResult.KEEP_UP_P99_MS) + " ms, backlog not growing"
        + " (the `switchboard load --find-max` generator and criteria)");
    notes.add(plan.describe());
    notes.add("client in the same JVM as the node (a Vert.x instance of its own), " + CheckoutNode.CLIENTS
        + " HTTP/2 connections for PlaceOrder and " + CheckoutNode.CLIENTS + " for following PENDING orders"
        + " (WatchOrder); each order one unit of one SKU at " + LoadOptions.UNIT_PRICE_CENTS + " cents, stock "
        + CheckoutNode.STOCK + " per SKU so that none is rejected for stock; config/switchboard.yaml + "
        + "config/demo.yaml + config/variants/<variant>.yaml; a freshly started node on a fresh store for every run"
        + " (each step, the half-rate run: no run pays for what earlier ones stored), primed with "
        + CheckoutNode.PRIME_RATE + " orders followed to their end (a Kafka variant's consumers join their groups"
        + " seconds after start); after its run a node finishes the backlog the run left, then is closed");
    notes.add(quick ? "quick: no JVM warm-up, each variant and each store at least once, two short fixed rates — "
        + "figures prove the suite runs, not for quoting"
        : "JVM warm-up first, not measured: each variant (" + String.join(", ", variants) + ") at "
        + CheckoutRig.WARMUP_RATE + "/s (" + CheckoutRig.WARMUP_RATE_KAFKA + "/s on Kafka) in rounds of "
        + CheckoutRig.WARMUP_ROUND_SECONDS + " s until the JIT compiled for less than "
        + Math.round(JitWatch.QUIET_SHARE * 100) + "% of a round, " + CheckoutRig.WARMUP_MAX_SECONDS + " s at most");
    notes.add("the machine is shared by the load generator, the node (and the Kafka broker or PostgreSQL server):"
        + " figures are for this machine, " + Runtime.getRuntime().availableProcessors() + " cores, " + loadAverage());
    return notes;
  }
}
