package dev.switchboard.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard bench [--quick] [--out DIR] [SUITE...]}: runs the named suites (default: every
 * suite but {@code soak}) one after another in this JVM, prints the table of ratios, and writes
 * {@code bench.json} and the plots. Exit 0 when every suite ran (goals missed are reported, not
 * failures), 1 when a suite failed, 2 for a bad command line.
 */
public final class BenchCommand {

  private final PrintStream out;
  private final PrintStream err;

  public BenchCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The suites by name, in the order they run by default. */
  static Map<String, BenchSuite> suites(Map<String, String> options) {
    Map<String, BenchSuite> suites = new LinkedHashMap<>();
    for (BenchSuite suite : BenchSuites.all(options)) {
      suites.put(suite.name(), suite);
    }
    return suites;
  }

  /**
   * @param quick   the short run
   * @param out     the output directory, or null for {@code bench/<timestamp>/}
   * @param names   the suites to run; empty for the default set
   * @param options the suites' own options (e.g. {@code minutes} for soak)
   */
  public int run(boolean quick, Path out, List<String> names, Map<String, String> options) {
    Map<String, BenchSuite> known = suites(options);
    List<BenchSuite> chosen = new ArrayList<>();
    if (names.isEmpty()) {
      known.values().stream().filter(suite -> !BenchSuites.ON_REQUEST.contains(suite.name())).forEach(chosen::add);
    } else {
      for (String name : names) {
        BenchSuite suite = known.get(name);
        if (suite == null) {
          err.println("switchboard: bench: no suite '" + name + "'; suites are " + String.join(", ", known.keySet()));
          return 2;
        }
        chosen.add(suite);
      }
    }
    Path dir = out != null ? out
        : Path.of("bench", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    BenchContext context = new BenchContext(quick, dir, line -> this.out.println("  " + line));
    List<SuiteResult> results = new ArrayList<>();
    List<BenchReport.Failure> failures = new ArrayList<>();
    this.out.printf("Switchboard bench%s: %s -> %s%n", quick ? " (quick: proves it runs, figures not for quoting)" : "",
        String.join(", ", chosen.stream().map(BenchSuite::name).toList()), dir.toAbsolutePath());
    for (BenchSuite suite : chosen) {
      this.out.printf("%n== %s: %s%n", suite.name(), suite.description());
      long started = System.nanoTime();
      try {
        results.add(suite.run(context.forSuite(line -> this.out.println("  [" + suite.name() + "] " + line))));
        this.out.printf("== %s done in %.0f s%n", suite.name(), (System.nanoTime() - started) / 1e9);
      } catch (Exception | AssertionError e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        failures.add(new BenchReport.Failure(suite.name(), why));
        err.println("switchboard: bench: " + suite.name() + " failed: " + why);
      }
    }
    BenchReport.print(this.out, results, failures);
    try {
      List<Path> written = BenchReport.write(dir, quick, results, failures);
      this.out.println();
      written.forEach(file -> this.out.println("wrote " + file));
    } catch (java.io.IOException e) {
      err.println("switchboard: bench: cannot write " + dir + ": " + e.getMessage());
      return 1;
    }
    return failures.isEmpty() ? 0 : 1;
  }
}
