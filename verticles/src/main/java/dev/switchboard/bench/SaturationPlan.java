package dev.switchboard.bench;

import java.util.List;

/**
 * How the highest sustained rate of one variant on one store is found: a search (from
 * {@code startRate}, doubling while each step keeps up, then bisecting; see
 * {@link dev.switchboard.experiment.RateSearch}) or, in a quick run, a few fixed rates; then a run at
 * half of the rate found, for its latency.
 *
 * @param fixedRates    the rates of a quick run, in order; empty for a search
 * @param startRate     the search's first step
 * @param ceiling       the search never goes beyond this rate
 * @param warmupSeconds each step's orders before its measured window, not measured
 * @param seconds       each step's measured window
 * @param graceSeconds  how long after a step's last order it waits for orders to end
 * @param halfWarmup    the half-rate run's warm-up
 * @param halfSeconds   the half-rate run's measured window; 0 for none (a search only)
 * @param drainMs       how long a run's node may take to finish the backlog the run left (its cost is measured only then)
 */
record SaturationPlan(List<Integer> fixedRates, int startRate, int ceiling, int warmupSeconds, int seconds,
                      int graceSeconds, int halfWarmup, int halfSeconds, long drainMs) {

  SaturationPlan {
    fixedRates = List.copyOf(fixedRates);
  }

  /** The full search: about ten steps of 3 + 8 s, then 3 + 15 s at half the rate found. */
  static SaturationPlan search() {
    return new SaturationPlan(List.of(), 200, 40_000, 3, 8, 10, 3, 15, 30_000);
  }

  /** A short search, only for the rate (no half-rate run): steps of 2 + 5 s. */
  static SaturationPlan shortSearch() {
    return new SaturationPlan(List.of(), 200, 40_000, 2, 5, 10, 0, 0, 30_000);
  }

  /** A quick run: two short fixed rates, the lower one doubling as the half-rate run when the higher kept up. */
  static SaturationPlan quick() {
    return new SaturationPlan(List.of(25, 50), 0, 50, 1, 2, 30, 1, 2, 30_000);
  }

  boolean searching() {
    return fixedRates.isEmpty();
  }

  String describe() {
    return (searching()
        ? "rate search from " + startRate + "/s (doubling while a step keeps up, then bisecting to within 5%, at most "
        + ceiling + "/s)"
        : "fixed rates " + fixedRates.stream().map(rate -> rate + "/s").toList() + " (quick: no search)")
        + ", each step " + warmupSeconds + " s of warm-up + " + seconds + " s measured (" + graceSeconds
        + " s grace for orders to end)" + (searching() && halfSeconds == 0 ? ""
        : "; latency: " + (searching() ? halfWarmup + " + " + halfSeconds + " s" : "the step") + " at half of the rate found");
  }
}
