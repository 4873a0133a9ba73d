package dev.switchboard.bench;

import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.LoadSession;
import dev.switchboard.experiment.VariantSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.switchboard.node.Blocking.await;

/**
 * {@code bench soak [--minutes N] [--variant V] [--store S] [--rate R]}: one variant on one store at
 * half of its saturation rate for N minutes, in segments; after each segment a full collection
 * measures the live heap. Reports the live heap at the end against the start (after a warm-up), its
 * growth per order (least squares over the segments), the GC pauses the load itself caused, and that
 * every order ended terminal. Runs only when named.
 */
final class SoakSuite implements BenchSuite {

  static final double DEFAULT_MINUTES = 10;
  static final double QUICK_MINUTES = 20 / 60.0;
  static final String DEFAULT_VARIANT = "all-rpc";
  static final CheckoutStore DEFAULT_STORE = CheckoutStore.H2_FILE;

  /**
   * The live heap at one moment of the soak.
   *
   * @param seconds   since the soak's measured part began
   * @param orders    orders terminal by then (measured part only)
   * @param liveBytes the heap in use after a full collection
   */
  record Sample(double seconds, long orders, long liveBytes) {
  }

  /**
   * One segment of load: when it ended (seconds into the measured part), what the load measured, and
   * what an order cost during it (null if none ended).
   */
  record Segment(double endSeconds, LoadResult result, OrderCost cost) {
  }

  /** What the soak measured. */
  record Soak(String variant, CheckoutStore store, int rate, boolean rateFound, double seconds, int warmupSeconds,
              List<Segment> segments, List<Sample> live, List<GcMonitor.Collection> collections, long startNanos) {

    long orders() {
      return segments.stream().mapToLong(segment -> segment.result().total().ended()).sum();
    }

    long sent() {
      return segments.stream().mapToLong(segment -> segment.result().total().sent()).sum();
    }

    long notEnded() {
      return segments.stream().mapToLong(segment -> segment.result().total().notEnded()).sum();
    }

    long failedCalls() {
      return segments.stream().mapToLong(segment -> segment.result().total().failedCalls()).sum();
    }
  }

  private final Map<String, String> options;

  SoakSuite(Map<String, String> options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "soak";
  }

  @Override
  public String description() {
    return "one variant at half of saturation for --minutes: live heap over time (growth per order), GC pauses";
  }

  @Override
  public SuiteResult run(BenchContext context) throws Exception {
    return SoakReport.result(name(), soak(context));
  }

  Soak soak(BenchContext context) throws InterruptedException {
    BenchOptions read = new BenchOptions(options);
    double minutes = read.positive("minutes", context.pick(DEFAULT_MINUTES, QUICK_MINUTES), 24 * 60);
    String variant = read.one("variant", DEFAULT_VARIANT, VariantSettings::variantExists,
        "the variants of config/variants (" + BenchOptions.either(CheckoutSuite.VARIANTS) + ")");
    CheckoutStore store = CheckoutStore.named(read.one("store", DEFAULT_STORE.option(),
        name -> CheckoutStore.named(name).isPresent(), BenchOptions.either(CheckoutStore.names()))).orElseThrow();
    int givenRate = read.whole("rate", 1, LoadOptions.MAX_RATE);
    if (!StoreProvider.available(store)) {
      throw new IllegalStateException(StoreProvider.unavailableBecause(store));
    }
    int soakSeconds = (int) Math.max(1, Math.round(minutes * 60));
    int segmentSeconds = Math.min(soakSeconds, context.pick(30, 4));
    int warmupSeconds = context.pick(60, 4);
    String label = variant + ", " + store.label();
    try (CheckoutRig rig = new CheckoutRig(context.progress()); GcMonitor gc = GcMonitor.start()) {
      rig.checkBroker(variant);
      int rate = givenRate;
      if (rate == 0) {
        SaturationPlan plan = context.pick(SaturationPlan.shortSearch(), SaturationPlan.quick());
        context.progress().accept(label + ": finding the saturation rate: " + plan.describe());
        SaturationSearch.Outcome found = new SaturationSearch(plan, label, () -> rig.start(variant, store),
            context.progress()).run();
        if (found.found() == 0) {
          throw new IllegalStateException(label + " kept up with no rate tried (" + found.steps().stream()
              .map(step -> step.rate() + "/s").toList() + "); give one with --rate");
        }
        rate = Math.max(1, found.found() / 2);
      }
      try (CheckoutNode node = rig.start(variant, store)) {
        context.progress().accept(String.format(Locale.ROOT, "%s: soak at %d/s: %d s of warm-up, then %d s in"
            + " segments of %d s, a full GC after each", label, rate, warmupSeconds, soakSeconds, segmentSeconds));
        String runId = LoadSession.runId();
        LoadResult warm = run(node, rate, warmupSeconds, runId + "-warmup");
        context.progress().accept("warm-up: " + SaturationSearch.summary(warm));
        List<Sample> live = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        long start = System.nanoTime();
        live.add(new Sample(0, 0, gc.liveHeapBytes()));
        context.progress().accept(String.format(Locale.ROOT, "   0 s: live heap %.1f MiB", mib(live.get(0)
            .liveBytes())));
        long orders = 0;
        for (int done = 0, index = 1; done < soakSeconds; index++) {
          int length = Math.min(segmentSeconds, soakSeconds - done);
          OrderCost.Reading before = OrderCost.read(node);
          LoadResult result = run(node, rate, length, runId + "-" + index);
          OrderCost cost = OrderCost.between(before, OrderCost.read(node));
          done += length;
          orders += result.total().ended();
          double at = (System.nanoTime() - start) / 1e9;
          segments.add(new Segment(at, result, cost));
          long liveBytes = gc.liveHeapBytes();
          live.add(new Sample((System.nanoTime() - start) / 1e9, orders, liveBytes));
          context.progress().accept(String.format(Locale.ROOT, "%4.0f s: %s; %,d orders so far; live heap %.1f MiB%s",
              at, SaturationSearch.summary(result), orders, mib(liveBytes), cost == null ? ""
                  : String.format(Locale.ROOT, "; %.2f ms CPU per order%s, store writer %.2f ms", cost.cpuMs(),
                  cost.helpersCpuMs() > 0 ? String.format(Locale.ROOT, " (+ %.2f ms broker/database)",
                      cost.helpersCpuMs()) : "", cost.storeWriterMs())));
        }
        long end = System.nanoTime();
        return new Soak(variant, store, rate, givenRate == 0, soakSeconds, warmupSeconds, segments, live,
            gc.between(start, end), start);
      }
    }
  }

  /** {@code seconds} at {@code rate}, every order followed to its end (no warm-up inside: the soak has its own). */
  private static LoadResult run(CheckoutNode node, int rate, int seconds, String runId) {
    LoadOptions options = new LoadOptions(List.of(), rate, seconds, 0, 30, CheckoutNode.CLIENTS,
        LoadOptions.DEFAULT_SKUS, false, rate, null);
    return await(node.load().run(rate, options, runId, "soak ", line -> { }));
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
