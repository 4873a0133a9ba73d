package dev.switchboard.bench;

import dev.switchboard.experiment.Demo;
import dev.switchboard.experiment.LoadResult;
import dev.switchboard.experiment.VariantSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench checkout}: the saturation throughput of each variant on each store, each on a freshly
 * started embedded node with the load generator in the same JVM, after a JVM warm-up; then the
 * latency at half of that rate. The baseline of each comparison is the performance target for that
 * variant and store (not a measurement), so the ratio reads "share of the target reached".
 */
final class CheckoutSuite implements BenchSuite {

  static final List<String> VARIANTS = BenchOptions.split(Demo.DEFAULT_VARIANTS);

  /** One variant on one store. */
  record Pair(String variant, CheckoutStore store) {
    String label() {
      return variant + ", " + store.label();
    }
  }

  /** What one pair measured. */
  record Measured(Pair pair, SaturationSearch.Outcome outcome) {
  }

  /** What a run measured, pair by pair, and what a reader must know beside it. */
  record Run(List<Measured> pairs, List<String> notes) {
  }

  private final Map<String, String> options;

  CheckoutSuite(Map<String, String> options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "checkout";
  }

  @Override
  public String description() {
    return "each variant's saturation rate on each store (rate search), and latency at half of it";
  }

  @Override
  public SuiteResult run(BenchContext context) {
    return CheckoutReport.result(name(), measure(context));
  }

  /** The pairs this run measures: every variant on every store, or, quick, each variant and store at least once. */
  static List<Pair> pairs(List<String> variants, List<CheckoutStore> stores, boolean quick) {
    List<Pair> pairs = new ArrayList<>();
    if (quick) {
      for (int i = 0; i < Math.max(variants.size(), stores.size()); i++) {
        pairs.add(new Pair(variants.get(i % variants.size()), stores.get(i % stores.size())));
      }
    } else {
      for (CheckoutStore store : stores) {
        for (String variant : variants) {
          pairs.add(new Pair(variant, store));
        }
      }
    }
    return pairs;
  }

  Run measure(BenchContext context) {
    BenchOptions read = new BenchOptions(options);
    List<String> variants = read.list("variants", VARIANTS, VariantSettings::variantExists,
        "variants of config/variants (" + BenchOptions.either(VARIANTS) + ")");
    List<CheckoutStore> wanted = read.list("stores", CheckoutStore.names(), name -> CheckoutStore.named(name)
        .isPresent(), BenchOptions.either(CheckoutStore.names())).stream()
        .map(name -> CheckoutStore.named(name).orElseThrow()).toList();
    List<String> notes = new ArrayList<>();
    List<CheckoutStore> stores = new ArrayList<>();
    for (CheckoutStore store : wanted) {
      if (StoreProvider.available(store)) {
        stores.add(store);
      } else {
        notes.add(StoreProvider.unavailableBecause(store));
        context.progress().accept(StoreProvider.unavailableBecause(store));
      }
    }
    if (stores.isEmpty()) {
      throw new IllegalStateException("no store to run on: " + String.join("; ", notes));
    }
    SaturationPlan plan = context.pick(SaturationPlan.search(), SaturationPlan.quick());
    List<Pair> pairs = pairs(variants, stores, context.quick());
    List<Measured> measured = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try (CheckoutRig rig = new CheckoutRig(context.progress())) {
      variants.forEach(rig::checkBroker);
      if (!context.quick()) {
        List<String> warmUps = variants.stream().map(variant -> rig.warmUp(variant, context.progress())).toList();
        notes.add("JVM warm-up: " + String.join("; ", warmUps));
      }
      for (Pair pair : pairs) {
        context.progress().accept(pair.label() + ": a fresh node for every run; " + plan.describe());
        try {
          SaturationSearch.Outcome outcome = new SaturationSearch(plan, pair.label(),
              () -> rig.start(pair.variant(), pair.store()), context.progress()).run();
          measured.add(new Measured(pair, outcome));
          writeSteps(context.out(), pair, outcome);
        } catch (RuntimeException e) {
          String why = pair.label() + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
          failures.add(why);
          context.progress().accept(why);
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(String.join("; ", failures));
    }
    notes.addAll(CheckoutReport.notes(plan, context.quick(), variants));
    return new Run(measured, notes);
  }

  /** Every run of a pair as {@code switchboard load --out} writes it, in {@code out/checkout/<variant>-<store>.json}. */
  private static void writeSteps(Path out, Pair pair, SaturationSearch.Outcome outcome) {
    JsonArray runs = new JsonArray();
    outcome.steps().forEach(step -> runs.add(withCost(new JsonObject(step.json()).put("role", "search step"),
        outcome.cost(step))));
    if (outcome.half() != null) {
      runs.add(withCost(new JsonObject(outcome.half().json()).put("role", "half rate"), outcome.cost(outcome.half())));
    }
    JsonObject json = new JsonObject().put("variant", pair.variant()).put("store", pair.store().option())
        .put("highest_sustained_rate", outcome.found()).put("capped", outcome.capped())
        .put("runs_not_drained", outcome.undrained()).put("runs", runs);
    try {
      Path dir = out.resolve("checkout");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(pair.variant() + "-" + pair.store().option() + ".json"), json.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject withCost(JsonObject run, OrderCost cost) {
    return cost == null ? run : run.put("cost_per_order", cost.json());
  }

  /** Orders of every run of {@code outcome} that neither ended nor failed within their run's grace. */
  static int notEnded(SaturationSearch.Outcome outcome) {
    return outcome.runs().stream().mapToInt(run -> run.total().notEnded()).sum();
  }

  static int failedCalls(SaturationSearch.Outcome outcome) {
    return outcome.runs().stream().mapToInt(run -> run.total().failedCalls()).sum();
  }

  static int terminal(SaturationSearch.Outcome outcome) {
    return outcome.runs().stream().mapToInt(run -> run.total().ended()).sum();
  }

  static double p99(LoadResult result) {
    return result == null ? Double.NaN : result.total().latencyMillis(99);
  }
}
