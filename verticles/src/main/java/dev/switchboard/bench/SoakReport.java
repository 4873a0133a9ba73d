package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The soak's table, plots and notes. The live heap is the heap in use after a full collection the
 * soak asks for at the end of each segment: after an ordinary young collection the heap still holds
 * whatever garbage the old generation has not yet collected, which grows between old collections
 * with or without a leak; after a full one it holds only what is reachable.
 */
final class SoakReport {

  static final String HEAP_PLOT = "soak-heap";
  static final String THROUGHPUT_PLOT = "soak-throughput";
  /**
   * The live heap at the end may be at most this much above the start. Not 1.0: a cache that fills to
   * its bound (the H2 page cache) and the orders in flight at the moment of a sample move it by a few
   * MiB either way; a leak of even 100 bytes an order, at a few hundred orders a second for ten
   * minutes, adds tens of MiB and shows in the slope as well.
   */
  static final double HEAP_GOAL = 1.2;
  /** How long the first and the last stretch of the soak are, at most, whose live heaps are compared. */
  static final double WINDOW_SECONDS = 60;

  private SoakReport() {
  }

  static SuiteResult result(String suite, SoakSuite.Soak soak) {
    List<SoakSuite.Sample> live = soak.live();
    double total = live.get(live.size() - 1).seconds();
    double window = Math.min(WINDOW_SECONDS, total / 4);
    double first = live.stream().filter(sample -> sample.seconds() <= window)
        .mapToLong(SoakSuite.Sample::liveBytes).average().orElse(Double.NaN);
    double last = live.stream().filter(sample -> sample.seconds() >= total - window)
        .mapToLong(SoakSuite.Sample::liveBytes).average().orElse(Double.NaN);
    double perOrder = Trend.slope(live.stream().map(sample -> new double[] {sample.orders(), sample.liveBytes()})
        .toList());
    List<GcMonitor.Collection> pauses = soak.collections().stream()
        .filter(gc -> gc.pause() && !gc.forced()).toList();
    long pauseTotal = pauses.stream().mapToLong(GcMonitor.Collection::durationMillis).sum();
    long pauseMax = pauses.stream().mapToLong(GcMonitor.Collection::durationMillis).max().orElse(0);
    long forced = soak.collections().stream().filter(GcMonitor.Collection::forced).count();
    double measuredSeconds = soak.segments().stream().mapToDouble(segment -> segment.result().seconds()).sum();
    double throughput = soak.segments().stream().mapToLong(segment -> segment.result().total().endedInWindow())
        .sum() / measuredSeconds;
    String label = soak.variant() + ", " + soak.store().label();
    String windowName = window >= WINDOW_SECONDS ? "minute" : String.format(Locale.ROOT, "%.0f s", window);

    List<Comparison> comparisons = new ArrayList<>();
    comparisons.add(new Comparison(suite, "live heap after GC", "MiB", "last " + windowName + ", " + label,
        SoakSuite.mib((long) last), "first " + windowName + " (after warm-up)", SoakSuite.mib((long) first),
        Comparison.Goal.atMost(HEAP_GOAL)));
    comparisons.add(new Comparison(suite, "heap growth per order", "B/order",
        "least squares, " + live.size() + " full-GC samples", perOrder, "–", Double.NaN, null));
    comparisons.add(new Comparison(suite, "GC pauses, total", "ms", String.format(Locale.ROOT,
        "%d pauses in %.0f s (not the soak's own GCs)", pauses.size(), total), pauseTotal, "–", Double.NaN, null));
    comparisons.add(new Comparison(suite, "GC pause, max", "ms", GcMonitor.collectors(), pauseMax, "–", Double.NaN,
        null));
    comparisons.add(new Comparison(suite, "throughput", "orders/s", "terminal, mean over " + soak.segments().size()
        + " segments", throughput, "offered rate", soak.rate(), Comparison.Goal.atLeast(0.95)));
    comparisons.add(new Comparison(suite, "orders terminal", "orders", "confirmed or rejected, " + label,
        soak.orders(), "sent", soak.sent(), Comparison.Goal.atLeast(1.0)));
    List<OrderCost> costs = soak.segments().stream().map(SoakSuite.Segment::cost).filter(Objects::nonNull).toList();
    if (!costs.isEmpty()) {
      comparisons.add(new Comparison(suite, "CPU per order", "ms", "median of " + costs.size()
          + " segments, the whole JVM", Median.of(costs.stream().mapToDouble(OrderCost::cpuMs).toArray()), "–",
          Double.NaN, null));
      double helpers = Median.of(costs.stream().mapToDouble(OrderCost::helpersCpuMs).toArray());
      if (helpers > 0) {
        comparisons.add(new Comparison(suite, "broker/database CPU per order", "ms", "median of " + costs.size()
            + " segments, the processes the bench started", helpers, "–", Double.NaN, null));
      }
      comparisons.add(new Comparison(suite, "store writer CPU per order", "ms", "median of " + costs.size()
          + " segments", Median.of(costs.stream().mapToDouble(OrderCost::storeWriterMs).toArray()), "–",
          Double.NaN, null));
    }

    List<Curve> curves = new ArrayList<>();
    curves.add(new Curve(HEAP_PLOT, "heap after each collection", "seconds into the soak", "heap after GC (MiB)",
        soak.collections().stream().filter(gc -> !gc.forced())
            .map(gc -> new Curve.Point((gc.atNanos() - soak.startNanos()) / 1e9, SoakSuite.mib(gc.heapAfterBytes())))
            .toList()));
    curves.add(new Curve(HEAP_PLOT, "live heap (full GC after each segment)", "seconds into the soak",
        "heap after GC (MiB)", live.stream().map(sample -> new Curve.Point(sample.seconds(),
        SoakSuite.mib(sample.liveBytes()))).toList()));
    curves.add(new Curve(THROUGHPUT_PLOT, label + " at " + soak.rate() + "/s", "seconds into the soak",
        "terminal orders/s", soak.segments().stream().map(segment -> new Curve.Point(segment.endSeconds(),
        segment.result().throughput())).toList()));

    List<String> notes = new ArrayList<>();
    notes.add(String.format(Locale.ROOT, "%s at %d orders/s (%s) for %.0f s after %d s of warm-up, in segments;"
            + " client in the same JVM (the `switchboard load` generator), a freshly started node and store",
        label, soak.rate(), soak.rateFound() ? "half of the rate a short search found" : "--rate", soak.seconds(),
        soak.warmupSeconds()));
    notes.add(String.format(Locale.ROOT, "live heap = heap in use after a full GC (System.gc()) at the end of each"
        + " segment; first vs last %s compared, goal ≤ %.1f× (room for caches filling to their bound and the orders"
        + " in flight; a leak shows in the slope too): %.1f → %.1f MiB, %.0f bytes/order over %,d orders",
        windowName, HEAP_GOAL, SoakSuite.mib((long) first), SoakSuite.mib((long) last), perOrder, soak.orders()));
    notes.add(String.format(Locale.ROOT, "GC: %s; %d pauses in the soak, %d ms in all, max %d ms (the soak's own %d"
            + " full GCs excluded; a collector named \"… Cycles\" runs concurrently and is no pause); max heap %d MiB",
        GcMonitor.collectors(), pauses.size(), pauseTotal, pauseMax, forced,
        Runtime.getRuntime().maxMemory() / (1024 * 1024)) + "; " + CheckoutReport.loadAverage());
    notes.add(soak.notEnded() == 0 && soak.failedCalls() == 0
        ? String.format(Locale.ROOT, "every order ended terminal: %,d sent, %,d confirmed or rejected", soak.sent(),
        soak.orders())
        : String.format(Locale.ROOT, "NOT every order ended terminal: %,d sent, %,d terminal, %,d not ended within"
        + " 30 s, %,d PlaceOrder calls failed", soak.sent(), soak.orders(), soak.notEnded(), soak.failedCalls()));
    if (!costs.isEmpty()) {
      notes.add("what an order cost, segment by segment: " + costs.stream().map(OrderCost::describe)
          .collect(Collectors.joining("; ")));
    }
    if (soak.store() == CheckoutStore.MEMORY) {
      notes.add("the in-memory store keeps every order in the heap: its live heap grows with the orders by design");
    }
    return new SuiteResult(suite, comparisons, curves, notes);
  }
}
