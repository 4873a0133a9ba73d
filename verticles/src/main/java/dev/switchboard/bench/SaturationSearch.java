package dev.switchboard.bench;

import dev.switchboard.experiment.LoadOptions;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.LoadSession;
import dev.switchboard.experiment.RateSearch;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.switchboard.node.Blocking.await;

/**
 * The highest rate one variant on one store sustains, found as {@code switchboard load --find-max}
 * finds it ({@link RateSearch}, each step judged by {@link LoadResult#keptUp}), against a node in this
 * JVM; then the latency at half of that rate. Every run (each step, the half-rate run) has a fresh
 * node on a fresh store, so that no run pays for what the ones before it stored: with one node for
 * the whole search, the in-memory store held every order of every step, the heap after each young
 * collection grew from 12 MB to 1.6 GB over one all-rpc search and the young pauses from 12 to
 * 80–110 ms, with concurrent old-generation cycles of 3 s during the half-rate run, which measured
 * that (p99 3.3 s at 1,500/s after a search that kept up at 3,000/s; 103–108 ms at 1,400/s on a
 * fresh node). After its run a node finishes the backlog the run left, so that
 * what an order cost is measured over whole orders ({@link OrderCost}), and is closed.
 * Blocking: run it on a plain thread.
 */
final class SaturationSearch {

  /**
   * What was measured.
   *
   * @param steps    every step, in order
   * @param found    the highest rate that kept up, 0 when none did
   * @param capped   the search stopped at its ceiling still keeping up: the node may sustain more
   * @param half     the run at half of {@code found}; null when nothing kept up or the plan has none
   * @param undrained how many runs' nodes could not finish their backlog in time (their cost is not measured)
   * @param costs    what an order cost in each run whose node finished its backlog ({@link OrderCost})
   */
  record Outcome(String label, List<LoadResult> steps, int found, boolean capped, LoadResult half, int undrained,
                 Map<LoadResult, OrderCost> costs) {

    /** What an order cost in {@code run}; null when it was not measured. */
    OrderCost cost(LoadResult run) {
      return run == null ? null : costs.get(run);
    }

    /** Every run, the steps and the half-rate run. */
    List<LoadResult> runs() {
      List<LoadResult> runs = new ArrayList<>(steps);
      if (half != null && !steps.contains(half)) {
        runs.add(half);
      }
      return runs;
    }
  }

  private final SaturationPlan plan;
  private final String label;
  private final Supplier<CheckoutNode> nodes;
  private final Consumer<String> progress;
  private final String runId = LoadSession.runId();
  private int undrained;
  private final Map<LoadResult, OrderCost> costs = new IdentityHashMap<>();

  /**
   * @param label    names the variant and store in progress lines, e.g. {@code all-rpc, H2 in memory}
   * @param nodes    starts a fresh node of the variant on a fresh store
   */
  SaturationSearch(SaturationPlan plan, String label, Supplier<CheckoutNode> nodes, Consumer<String> progress) {
    this.plan = plan;
    this.label = label;
    this.nodes = nodes;
    this.progress = progress;
  }

  Outcome run() {
    List<LoadResult> steps = new ArrayList<>();
    int found;
    boolean capped = false;
    if (plan.searching()) {
      ExecutorService stepper = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "bench-steps"));
      try {
        RateSearch.Outcome outcome = await(new RateSearch(plan.startRate(), plan.ceiling(),
            (rate, step) -> Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> step(rate, step), stepper)))
            .search());
        steps.addAll(outcome.steps());
        found = outcome.highest();
        capped = outcome.capped();
      } finally {
        stepper.shutdownNow();
      }
    } else {
      for (int rate : plan.fixedRates()) {
        steps.add(step(rate, steps.size() + 1));
      }
      found = steps.stream().filter(LoadResult::keptUp).mapToInt(LoadResult::rate).max().orElse(0);
    }
    LoadResult half = found == 0 ? null : half(found / 2 == 0 ? 1 : found / 2, steps);
    progress.accept(String.format(Locale.ROOT, "%s: highest rate kept up %s%s; at half of it: %s", label,
        found == 0 ? "none" : found + "/s", capped ? " (the ceiling: it may sustain more)" : "",
        half == null ? "not measured" : summary(half)));
    return new Outcome(label, steps, found, capped, half, undrained, costs);
  }

  /** Quick: the step at that rate when there is one; otherwise a run of its own (none when the plan has none). */
  private LoadResult half(int rate, List<LoadResult> steps) {
    if (!plan.searching()) {
      for (LoadResult step : steps) {
        if (step.rate() == rate) {
          return step;
        }
      }
    }
    if (plan.halfSeconds() == 0) {
      return null;
    }
    LoadResult result = run(rate, plan.halfWarmup(), plan.halfSeconds(), "half");
    OrderCost cost = costs.get(result);
    progress.accept(String.format(Locale.ROOT, "%s: half rate %d/s: %s%s", label, rate, summary(result),
        cost == null ? "" : "; " + cost.describe()));
    return result;
  }

  private LoadResult step(int rate, int step) {
    LoadResult result = run(rate, plan.warmupSeconds(), plan.seconds(), "s" + step);
    progress.accept(String.format(Locale.ROOT, "%s: step %d at %d/s: %s — %s", label, step, rate, summary(result),
        result.keptUp() ? "kept up" : "did not keep up: " + String.join("; ", result.shortfalls())));
    return result;
  }

  private LoadResult run(int rate, int warmup, int seconds, String name) {
    LoadOptions options = new LoadOptions(List.of(), rate, seconds, warmup, plan.graceSeconds(), CheckoutNode.CLIENTS,
        LoadOptions.DEFAULT_SKUS, false, rate, null);
    try (CheckoutNode node = nodes.get()) {
      OrderCost.Reading before = OrderCost.read(node);
      LoadResult result = await(node.load().run(rate, options, runId + "-" + name, label + " ", line -> { }));
      if (settled(node)) {
        OrderCost cost = OrderCost.between(before, OrderCost.read(node));
        if (cost != null) {
          costs.put(result, cost);
        }
      }
      return result;
    }
  }

  /** Lets the node finish what the run left; whether it did within the plan's drain time. */
  private boolean settled(CheckoutNode node) {
    try {
      if (!node.drain(plan.drainMs())) {
        progress.accept(label + ": the node still had PENDING orders " + plan.drainMs() / 1000
            + " s after the run; its cost per order is not measured");
        undrained++;
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String summary(LoadResult result) {
    return String.format(Locale.ROOT, "%.1f orders/s, p50 %s, p99 %s", result.throughput(),
        millis(result.total().latencyMillis(50)), millis(result.total().latencyMillis(99)));
  }

  static String millis(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f ms", value);
  }
}
