package dev.switchboard.experiment;

import dev.switchboard.node.Blocking;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard load}: open-loop load against processes already running, through their public
 * gRPC edge (one run at a rate, or a search for the highest rate they sustain), from a Vert.x
 * instance of its own. Progress goes to {@code err} every {@value LoadRun#PROGRESS_MS} ms, the
 * report to {@code out}, and the same as JSON to {@link LoadOptions#out()} when given. Exit status:
 * 0 once the run has been measured and reported, whatever it found; 1 when a target cannot be
 * reached (nothing is sent) or the JSON file cannot be written.
 */
public final class LoadGenerator {

  /**
   * How long a step of {@code --find-max} waits after its end for the orders it left open (the targets'
   * backlog) to end, so that the next step starts on targets that finished it: without the wait, the
   * step after one that did not keep up met that one's backlog too, and a rate run twice was judged
   * the second time with the first time's backlog on top.
   */
  static final long SETTLE_SECONDS = 120;

  private final LoadOptions options;
  private final PrintStream out;
  private final PrintStream err;

  public LoadGenerator(LoadOptions options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  public int run() {
    // an event loop late by seconds on a busy machine is reported as the run's send lag: one line, no stack trace
    Vertx vertx = Vertx.vertx(dev.switchboard.node.SwitchboardNode.vertxOptions().setWarningExceptionTime(10)
        .setWarningExceptionTimeUnit(TimeUnit.MINUTES));
    LoadSession targets = LoadSession.connect(vertx, options.targets(), options.clients());
    try {
      List<String> unreachable = Blocking.await(targets.probe());
      if (!unreachable.isEmpty()) {
        unreachable.forEach(line -> err.println("switchboard: load: " + line));
        return 1;
      }
      String runId = LoadSession.runId();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("command", "load");
      json.put("started_at", Instant.now().toString());
      json.put("run_id", runId);
      json.put("targets", options.targets().stream().map(LoadOptions.Target::toString).toList());
      json.put("clients_per_target", options.clients());
      json.put("skus", options.skus());
      json.put("unit_price_cents", LoadOptions.UNIT_PRICE_CENTS);
      if (options.findMax()) {
        findMax(targets, runId, json);
      } else {
        once(targets, runId, json);
      }
      return write(json);
    } finally {
      Blocking.await(targets.close().transform(closed -> vertx.close()));
    }
  }

  private void once(LoadSession targets, String runId, Map<String, Object> json) {
    out.printf("switchboard load: %d orders/s for %d s after %d s of warm-up against %s, %d connections each%n",
        options.rate(), options.seconds(), options.warmup(), targets.names(), options.clients());
    LoadResult result = Blocking.await(targets.run(options.rate(), options, runId, "load ", err::println));
    out.println();
    result.print(out);
    json.put("mode", "run");
    json.putAll(result.json());
  }

  private void findMax(LoadSession targets, String runId, Map<String, Object> json) {
    out.printf("switchboard load --find-max: from %d orders/s, doubling while the targets keep up (terminal"
            + " throughput >= %.0f%% of offered, p99 < %.0f ms, no growing backlog), then bisecting, a rate that"
            + " falls run twice; %d s per step"
            + " after %d s of warm-up, each step's open orders waited for (up to %d s) after it, against"
            + " %s, %d connections each%n", options.rate(),
        LoadResult.KEEP_UP_SHARE * 100, LoadResult.KEEP_UP_P99_MS, options.seconds(), options.warmup(),
        SETTLE_SECONDS, targets.names(), options.clients());
    RateSearch.Outcome outcome = Blocking.await(new RateSearch(options.rate(), options.maxRate(), (rate, step) -> {
      err.printf("step %d: %d orders/s%n", step, rate);
      return targets.run(rate, options, runId + "-s" + step, "step " + step + " " + rate + "/s ", err::println,
              TimeUnit.SECONDS.toMillis(SETTLE_SECONDS))
          .onSuccess(result -> err.printf("step %d: %d orders/s %s%n", step, rate,
          result.keptUp() ? "kept up" : "did not keep up: " + String.join("; ", result.shortfalls())));
    }).search());
    out.println();
    out.printf("%8s%9s%10s%10s%9s  %s%n", "rate/s", "kept up", "orders/s", "p99 ms", "backlog", "why not");
    for (LoadResult step : outcome.steps()) {
      double p99 = step.total().latencyMillis(99);
      out.printf(Locale.ROOT, "%8d%9s%10.1f%10s%9d  %s%n", step.rate(), step.keptUp() ? "yes" : "no",
          step.throughput(), Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.1f", p99), step.backlogGrowth(),
          String.join("; ", step.shortfalls()));
    }
    for (int i = 0; i + 1 < outcome.steps().size(); i++) {
      LoadResult.Settling settling = outcome.steps().get(i).settling();
      if (settling != null && !settling.settled()) {
        out.printf("step %d left %d order(s) open %d s after its end: step %d started on targets still busy with"
            + " them%n", i + 1, settling.stillOpen(), TimeUnit.MILLISECONDS.toSeconds(settling.waitedMs()), i + 2);
      }
    }
    out.println();
    if (outcome.highest() == 0) {
      out.printf("highest sustained rate: none (not even %d orders/s kept up)%n",
          outcome.steps().stream().mapToInt(LoadResult::rate).min().orElse(options.rate()));
    } else {
      out.printf("highest sustained rate: %d orders/s against %s%s%n", outcome.highest(), targets.names(),
          outcome.capped() ? " (the --max-rate; it may sustain more)" : "");
      outcome.steps().stream().filter(step -> step.rate() == outcome.highest() && step.keptUp()).findFirst()
          .ifPresent(best -> {
            out.printf("%nthe run at %d orders/s:%n", best.rate());
            best.print(out);
          });
    }
    json.put("mode", "find-max");
    json.put("start_rate", options.rate());
    json.put("max_rate", options.maxRate());
    json.put("seconds", options.seconds());
    json.put("warmup_seconds", options.warmup());
    json.put("grace_seconds", options.graceSeconds());
    json.put("highest_sustained_rate", outcome.highest());
    json.put("capped", outcome.capped());
    json.put("steps", outcome.steps().stream().map(LoadResult::json).toList());
  }

  private int write(Map<String, Object> json) {
    Path file = options.out();
    if (file == null) {
      return 0;
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, new JsonObject(json).encodePrettily() + "\n");
      out.println("results: " + file);
      return 0;
    } catch (IOException e) {
      err.println("switchboard: load: --out = '" + file + "': cannot write it: " + e.getMessage());
      return 1;
    }
  }

}
