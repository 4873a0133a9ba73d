package dev.switchboard.experiment;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.experiment.ExperimentSpec.FaultSpec;
import dev.switchboard.experiment.ExperimentSpec.VariantSpec;
import dev.switchboard.experiment.ExperimentSpec.WorkloadSpec;
import dev.switchboard.experiment.hypothesis.Hypothesis;
import dev.switchboard.experiment.report.ExperimentResults;
import dev.switchboard.experiment.report.FaultWindow;
import dev.switchboard.experiment.report.Measures;
import dev.switchboard.experiment.report.ReportWriter;
import dev.switchboard.experiment.report.VariantResults;
import dev.switchboard.experiment.report.Verdict;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.switchboard.node.Blocking.await;

/**
 * {@code experiment NAME|FILE}: the same workload under each variant, each on a freshly started
 * node, with the experiment's faults on the workload's timeline; then the measures side by side,
 * a verdict per hypothesis, and the report. Exit 0 when every hypothesis held, 1 when one did not,
 * 2 when the experiment cannot run as written (refused before anything starts).
 */
public final class Experiment {

  public static final int HELD = 0;
  public static final int FAILED = 1;
  public static final int WRONG_FILE = 2;

  /** Whether this JVM was warmed up ({@link JvmWarmUp}) before an experiment's first variant. */
  private static final java.util.concurrent.atomic.AtomicBoolean JVM_WARM = new java.util.concurrent.atomic.AtomicBoolean();

  /** Settings a report does not show as a variant's difference: they differ on every run. */
  private static final List<String> RUN_KEYS = List.of("topics.prefix", "kafka.bootstrap.servers", "store.path",
      "management.token");

  /**
   * The command's options.
   *
   * @param experiment a shipped experiment's name or a file
   * @param out        the report's directory, or null for {@code reports/<name>-<timestamp>/}
   * @param quick      scaled down to seconds
   * @param variants   only these variants (empty: the file's)
   * @param overrides  settings laid over every variant's, last
   */
  public record Options(String experiment, Path out, boolean quick, List<String> variants,
                        Map<String, String> overrides) {
  }

  private final PrintStream console;
  private final PrintStream errors;

  /** Progress, tables and verdicts go to {@code console}; why an experiment cannot run goes to {@code errors}. */
  public Experiment(PrintStream console, PrintStream errors) {
    this.console = console;
    this.errors = errors;
  }

  /** Prints the shipped experiments, name and claim. */
  public int list() {
    for (String name : ExperimentCatalog.names()) {
      try {
        ExperimentSpec spec = read(name);
        console.printf("%-20s %s%n", name, spec.claim());
      } catch (ExperimentFileException e) {
        console.printf("%-20s (cannot be read: %s)%n", name, e.getMessage());
      }
    }
    return HELD;
  }

  public int run(Settings file, Options options) {
    ExperimentSpec spec;
    List<VariantSpec> variants;
    try {
      spec = read(options.experiment());
      if (options.quick()) {
        spec = ExperimentCatalog.quick(spec);
      }
      variants = select(spec, options.variants(), options.quick());
    } catch (ExperimentFileException e) {
      errors.println("switchboard: " + e.getMessage());
      return WRONG_FILE;
    }
    Vertx client = Vertx.vertx(dev.switchboard.node.SwitchboardNode.vertxOptions());
    try (OnDemandBroker broker = new OnDemandBroker()) {
      return run(client, file, spec, variants, options, broker);
    } catch (ExperimentFileException e) {
      errors.println("switchboard: " + e.getMessage());
      return WRONG_FILE;
    } catch (IOException e) {
      System.err.println("switchboard: the report could not be written: " + e.getMessage());
      return FAILED;
    } finally {
      client.close();
    }
  }

  private int run(Vertx client, Settings file, ExperimentSpec spec, List<VariantSpec> variants, Options options,
                  OnDemandBroker broker) throws IOException {
    Settings base = VariantSettings.base(client, file);
    Settings runLayer = runLayer(spec);
    Map<String, Settings> layers = new LinkedHashMap<>();
    for (VariantSpec variant : variants) {
      Settings variantFile;
      try {
        variantFile = VariantSettings.variantFile(client, variant.from());
      } catch (ConfigException e) {
        throw new ExperimentFileException(spec.name() + ": variant " + variant.name() + ": " + e.getMessage());
      }
      Settings layer = variantFile.with(variant.set());
      Settings settings = base.with(runLayer).with(layer).with(options.overrides());
      check(spec, variant, settings);
      broker.checkFor(settings);
      layers.put(variant.name(), layer);
    }
    List<String> names = variants.stream().map(VariantSpec::name).toList();
    List<Hypothesis> hypotheses = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String text : spec.hypotheses()) {
      try {
        hypotheses.add(Hypothesis.parse(text, names, spec.measureNames()));
      } catch (IllegalArgumentException notRun) {
        skipped.add(text);
      }
    }
    WorkloadSpec workloadSpec = spec.workload();
    Workload workload = Workload.of(workloadSpec.phases(), workloadSpec.mix());
    Instant startedAt = Instant.now();
    console.printf("Switchboard experiment %s%s: %s%n", spec.name(), options.quick() ? " (quick)" : "", spec.claim());
    console.printf("%d orders over %.1f s through %s%s%n%n", workload.orders().size(), workload.lengthNanos() / 1e9,
        String.join(", ", names), spec.faults().isEmpty() ? "" : "; faults: " + describe(spec.faults()));
    if (workloadSpec.warmupOrders() > 0 && JVM_WARM.compareAndSet(false, true)) {
      new JvmWarmUp(client, base, options.overrides(), broker, console)
          .run(options.quick() ? JvmWarmUp.MAX_MS_QUICK : JvmWarmUp.MAX_MS);
    }
    List<VariantResults> results = new ArrayList<>();
    for (VariantSpec variant : variants) {
      Settings settings = VariantSettings.of(base, runLayer, layers.get(variant.name()), options.overrides(),
          spec.name() + "-" + variant.name(), broker);
      Map<String, String> diff = diff(base, settings);
      console.printf("== %s: %s%n", variant.name(), diff);
      warmUp(client, settings, variant.name(), workloadSpec);
      SwitchboardNode node = SwitchboardNode.startAndAwait(settings);
      try {
        ExperimentRunner.Measured measured = await(ExperimentRunner.measure(client, node, variant.name(), workload,
            spec.faults(), spec.windows(), workloadSpec.graceMs(), workloadSpec.clientTimeoutMs(), console::println));
        Map<String, Number> summary = Summary.of(measured.run(), measured.findings(),
            node.switchboard().metrics().registry());
        VariantRun run = measured.run();
        results.add(new VariantResults(variant.name(), diff, summary, run.windowMeasures(), List.copyOf(run.series),
            run.placeLatency(), run.terminalLatency(), run.consistencyLag()));
        console.printf("[%s] done: %d confirmed, %d rejected, %d errors, %d lost, %d duplicated effects in %.1f s%n%n",
            variant.name(), run.confirmed(), summary.get("rejected").intValue(), run.errors(),
            summary.get("lost").longValue(), summary.get("duplicated_effects").longValue(), run.seconds());
      } finally {
        await(node.close());
      }
    }
    Map<String, Map<String, Number>> summaries = new LinkedHashMap<>();
    results.forEach(result -> summaries.put(result.name(), result.measures()));
    List<Verdict> verdicts = hypotheses.stream().map(hypothesis -> hypothesis.evaluate(summaries)).toList();
    // a fault without an end lasts as long as the longest run
    long runEndMs = 1000L * results.stream().mapToInt(result -> result.series().size()).max().orElse(0);
    List<FaultWindow> windows = spec.faults().stream().map(fault -> new FaultWindow(fault.atMs() / 1000.0,
        (fault.untilMs() < 0 ? Math.max(runEndMs, fault.atMs()) : fault.untilMs()) / 1000.0,
        fault.target(), fault.describe())).toList();
    ExperimentResults experiment = new ExperimentResults(spec.name(), spec.claim(), startedAt, results, windows,
        verdicts);
    ConsoleTable.print(console, results, Summary.CONSOLE_ROWS);
    console.println();
    for (Verdict verdict : verdicts) {
      console.printf("%s  %s%n      observed: %s%n", verdict.passed() ? "PASS" : "FAIL", verdict.text(), verdict.observed());
    }
    for (String text : skipped) {
      console.printf("SKIP  %s%n      (names a variant that did not run)%n", text);
    }
    if (verdicts.isEmpty()) {
      console.println("no hypothesis could be decided with the variants that ran");
    }
    Path out = options.out() != null ? options.out() : Path.of("reports", spec.name() + "-"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneId.systemDefault()).format(startedAt));
    Path report = ReportWriter.write(experiment, out);
    console.printf("%nreport: %s%n", report.toAbsolutePath());
    return experiment.allHeld() && !verdicts.isEmpty() ? HELD : FAILED;
  }

  /** What the experiment sets for every variant: the workload's stock and payment limit, its settings, quick's. */
  private static Settings runLayer(ExperimentSpec spec) {
    Map<String, String> layer = new LinkedHashMap<>();
    WorkloadSpec workload = spec.workload();
    if (!workload.stock().isEmpty()) {
      workload.stock().forEach((sku, units) -> layer.put("inventory.stock." + sku, Long.toString(units)));
    }
    if (workload.paymentLimitCents() != null) {
      layer.put("payment.maxChargeCents", Long.toString(workload.paymentLimitCents()));
    }
    layer.putAll(spec.settings());
    layer.putAll(spec.quick().set());
    return Settings.of(layer);
  }

  /** Refuses a variant whose settings a node would refuse, before anything starts. */
  private static void check(ExperimentSpec spec, VariantSpec variant, Settings settings) {
    Settings checked = settings;
    if (VariantSettings.onKafka(settings) && settings.getString("kafka.bootstrap.servers", "").isBlank()) {
      checked = settings.with("kafka.bootstrap.servers", "127.0.0.1:9092"); // the broker starts later, if the rest is right
    }
    NodeConfig config;
    try {
      config = NodeConfig.from(checked);
    } catch (ConfigException e) {
      throw new ExperimentFileException(spec.name() + ": variant " + variant.name() + ": " + e.getMessage());
    }
    List<String> operations = config.operations().stream().map(Operation::name).toList();
    for (int i = 0; i < spec.faults().size(); i++) {
      FaultSpec fault = spec.faults().get(i);
      boolean hits = fault.stopped() || (fault.service()
          ? operations.stream().anyMatch(name -> name.startsWith(fault.target() + "."))
          : operations.contains(fault.target()));
      if (!hits) {
        throw new ExperimentFileException(spec.name(), "faults[" + i + "]", fault.target(), "variant " + variant.name()
            + " has no such operation" + (fault.service() ? " in that service" : "") + "; its operations are " + operations);
      }
    }
  }

  private void warmUp(Vertx client, Settings settings, String variant, WorkloadSpec spec) {
    if (spec.warmupOrders() <= 0) {
      return;
    }
    Workload warmup = Workload.checkout(spec.warmupOrders(), 200, spec.mix().seed() + 1);
    SwitchboardNode node = SwitchboardNode.startAndAwait(settings.with("topics.prefix",
        settings.getString("topics.prefix", "xp") + "-warmup"));
    try {
      console.printf("[%s] warming up with %d orders (not measured)%n", variant, spec.warmupOrders());
      await(ExperimentRunner.run(client, node, "warm-up " + variant, warmup, line -> { }));
    } finally {
      await(node.close());
    }
  }

  private static List<VariantSpec> select(ExperimentSpec spec, List<String> only, boolean quick) {
    List<String> wanted = !only.isEmpty() ? only : quick ? spec.quick().variants() : List.of();
    if (wanted.isEmpty()) {
      return spec.variants();
    }
    List<String> declared = spec.variants().stream().map(VariantSpec::name).toList();
    List<VariantSpec> selected = new ArrayList<>();
    for (String name : wanted) {
      if (!declared.contains(name)) {
        throw new ExperimentFileException(spec.name(), "--variants", name, "this experiment's variants are " + declared);
      }
      spec.variants().stream().filter(variant -> variant.name().equals(name)).forEach(selected::add);
    }
    return selected;
  }

  /** Reads a shipped experiment by name, or a file. */
  static ExperimentSpec read(String nameOrFile) {
    ExperimentCatalog.Source source = ExperimentCatalog.find(nameOrFile);
    List<String> operations = new ArrayList<>(CheckoutOperations.ALL.stream().map(Operation::name).toList());
    CheckoutOperations.views(CheckoutOperations.MAX_VIEWS).forEach(view -> operations.add(view.name()));
    return new ExperimentFile(source.name(), operations, CheckoutApplication.SERVICES, VariantSettings::variantExists)
        .parse(source.text());
  }

  private static Map<String, String> diff(Settings base, Settings settings) {
    Map<String, String> diff = new TreeMap<>();
    Map<String, String> defaults = base.asMap();
    settings.asMap().forEach((key, value) -> {
      if (!RUN_KEYS.contains(key) && !value.equals(defaults.get(key))) {
        diff.put(key, Settings.secret(key) ? "****" : value);
      }
    });
    return diff;
  }

  private static String describe(List<FaultSpec> faults) {
    List<String> described = new ArrayList<>();
    for (FaultSpec fault : faults) {
      described.add(fault.target() + " " + fault.describe() + " from " + fault.atMs() / 1000.0 + " s"
          + (fault.untilMs() < 0 ? "" : " to " + fault.untilMs() / 1000.0 + " s"));
    }
    return String.join("; ", described);
  }
}
