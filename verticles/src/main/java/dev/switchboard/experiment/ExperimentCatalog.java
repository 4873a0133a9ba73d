package dev.switchboard.experiment;

import dev.switchboard.experiment.ExperimentSpec.FaultSpec;
import dev.switchboard.experiment.ExperimentSpec.WorkloadSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where experiments come from: a file named on the command line, or a shipped experiment,
 * {@code config/experiments/<name>.yaml} in the working directory or, failing that, in the jar.
 * Also what {@code --quick} makes of one.
 */
final class ExperimentCatalog {

  /** The experiments shipped in the jar, one claim each. */
  static final List<String> SHIPPED = List.of("chain-availability", "cascading-latency", "load-leveling",
      "consumer-crash", "duplicate-delivery", "consistency-lag", "fan-out", "saga-compensation", "breaker",
      "live-flip");
  private static final String DIRECTORY = "config/experiments";

  /** An experiment file's name (for messages) and text. */
  record Source(String name, String text) {
  }

  private ExperimentCatalog() {
  }

  /** The shipped experiments and any others in {@code config/experiments/} of the working directory. */
  static List<String> names() {
    TreeSet<String> extra = new TreeSet<>();
    Path directory = Path.of(DIRECTORY);
    if (Files.isDirectory(directory)) {
      try (Stream<Path> files = Files.list(directory)) {
        files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".yaml"))
            .map(name -> name.substring(0, name.length() - ".yaml".length()))
            .filter(name -> !SHIPPED.contains(name)).forEach(extra::add);
      } catch (IOException e) {
        // the shipped ones are still listed
      }
    }
    List<String> names = new ArrayList<>(SHIPPED);
    names.addAll(extra);
    return names;
  }

  static Source find(String nameOrFile) {
    try {
      Path file = Path.of(nameOrFile);
      if (Files.isRegularFile(file)) {
        return new Source(nameOrFile, Files.readString(file, StandardCharsets.UTF_8));
      }
      Path shipped = Path.of(DIRECTORY, nameOrFile + ".yaml");
      if (Files.isRegularFile(shipped)) {
        return new Source(shipped.toString(), Files.readString(shipped, StandardCharsets.UTF_8));
      }
      try (InputStream resource = ExperimentCatalog.class.getClassLoader()
          .getResourceAsStream(DIRECTORY + "/" + nameOrFile + ".yaml")) {
        if (resource != null) {
          return new Source(DIRECTORY + "/" + nameOrFile + ".yaml",
              new String(resource.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new ExperimentFileException(nameOrFile + ": cannot be read: " + e.getMessage());
    }
    throw new ExperimentFileException("no experiment '" + nameOrFile + "': name a file, or one of " + names()
        + " (experiment --list)");
  }

  /**
   * The experiment in quick form: every duration and burst scaled by {@code quick.scale} (rates
   * kept; the warm-up too short to scale); {@code quick.set} is laid over the settings when the run
   * builds them.
   */
  static ExperimentSpec quick(ExperimentSpec spec) {
    double scale = spec.quick().scale();
    WorkloadSpec workload = spec.workload();
    List<Workload.Phase> phases = workload.phases().stream().map(phase -> scaled(phase, scale)).toList();
    List<FaultSpec> faults = spec.faults().stream().map(fault -> {
      long at = Math.round(fault.atMs() * scale);
      long until = fault.untilMs() < 0 ? -1 : Math.max(at + 1, Math.round(fault.untilMs() * scale));
      return new FaultSpec(at, until, fault.target(), fault.service(), fault.set(), fault.stopped(), fault.mode());
    }).toList();
    List<ExperimentSpec.WindowSpec> windows = spec.windows().stream().map(window -> {
      long from = Math.round(window.fromMs() * scale);
      return new ExperimentSpec.WindowSpec(window.name(), from, Math.max(from + 1, Math.round(window.untilMs() * scale)));
    }).toList();
    WorkloadSpec quick = new WorkloadSpec(phases, workload.mix(), workload.stock(), workload.paymentLimitCents(),
        workload.graceMs(), workload.clientTimeoutMs(), workload.warmupOrders());
    ExperimentFile.checkOrders(spec.name() + " (quick)", quick, "quick.scale");
    return new ExperimentSpec(spec.name(), spec.claim(), quick, spec.settings(), spec.variants(), faults, windows,
        spec.hypotheses(), spec.quick());
  }

  private static Workload.Phase scaled(Workload.Phase phase, double scale) {
    if (phase instanceof Workload.Steady steady) {
      return new Workload.Steady(steady.rate(), Math.max(1, Math.round(steady.lengthMs() * scale)));
    }
    if (phase instanceof Workload.Ramp ramp) {
      return new Workload.Ramp(ramp.fromRate(), ramp.toRate(), Math.max(1, Math.round(ramp.lengthMs() * scale)));
    }
    Workload.Burst burst = (Workload.Burst) phase;
    return new Workload.Burst(Math.max(1, (int) Math.round(burst.orders() * scale)),
        Math.round(burst.withinMs() * scale));
  }
}
