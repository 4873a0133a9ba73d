package dev.switchboard.experiment;

import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A variant's measures over its whole run: what its client saw, what the audit found, what the node counted. */
final class Summary {

  private static final Set<String> COMPENSATIONS = Set.of("inventory.release", "payment.refund", "shipping.cancel");
  /** The normal quantile of a two-sided 99.9% interval: wide enough that a run inside the prediction fails only once in a thousand. */
  private static final double Z = 3.2905;

  private Summary() {
  }

  static Map<String, Number> of(VariantRun run, EffectsAudit.Findings findings, MeterRegistry registry) {
    Map<String, Number> summary = new LinkedHashMap<>();
    int rejected = run.rejectedStock() + run.rejectedPayment() + run.rejectedOther();
    summary.put("offered", run.offered());
    summary.put("sent", run.sent());
    summary.put("accepted", run.accepted());
    summary.put("answered_pending", run.answeredPending());
    summary.put("confirmed", run.confirmed());
    summary.put("rejected", rejected);
    summary.put("rejected_stock", run.rejectedStock());
    summary.put("rejected_payment", run.rejectedPayment());
    summary.put("rejected_other", run.rejectedOther());
    summary.put("errors", run.errors());
    Map<String, Integer> byStatus = run.errorsByStatus;
    int unavailable = byStatus.getOrDefault("UNAVAILABLE", 0);
    int deadline = byStatus.getOrDefault("DEADLINE_EXCEEDED", 0);
    int exhausted = byStatus.getOrDefault("RESOURCE_EXHAUSTED", 0);
    summary.put("errors_unavailable", unavailable);
    summary.put("errors_deadline_exceeded", deadline);
    summary.put("errors_resource_exhausted", exhausted);
    summary.put("errors_other", run.errors() - unavailable - deadline - exhausted);
    double[] interval = wilson(run.confirmed(), run.sent());
    summary.put("success_rate", run.sent() == 0 ? Double.NaN : round((double) run.confirmed() / run.sent(), 5));
    summary.put("success_ci_low", round(interval[0], 5));
    summary.put("success_ci_high", round(interval[1], 5));
    summary.putAll(findings.measures());
    summary.put("compensations", handled(registry, COMPENSATIONS));
    summary.put("sagas_completed", sagas(registry, "completed"));
    summary.put("sagas_compensated", sagas(registry, "compensated"));
    summary.put("sagas_failed", sagas(registry, "failed"));
    percentiles(summary, "place", run.placeLatency());
    percentiles(summary, "terminal", run.terminalLatency());
    double seconds = run.seconds();
    int terminal = run.confirmed() + rejected;
    summary.put("throughput_per_s", seconds <= 0 ? 0 : round(terminal / seconds, 1));
    summary.put("duration_s", round(seconds, 2));
    summary.put("drain_s", round(run.drainSeconds(), 2));
    summary.put("max_backlog", run.maxBacklog());
    summary.put("max_queue_depth", run.maxQueueDepth());
    Histogram lag = run.consistencyLag();
    summary.put("consistency_lag_p50_ms", Latencies.millis(lag, 50));
    summary.put("consistency_lag_p75_ms", Latencies.millis(lag, 75));
    summary.put("consistency_lag_p99_ms", Latencies.millis(lag, 99));
    summary.put("consistency_lag_max_ms", lag.getTotalCount() == 0 ? Double.NaN : lag.getMaxValue() / 1000.0);
    summary.put("consistency_stale_share", run.samples() == 0 ? Double.NaN
        : round((double) (run.staleSamples() + run.unresolvedSamples()) / run.samples(), 4));
    summary.put("consistency_unresolved", run.unresolvedSamples());
    summary.put("retries", SwitchboardMetrics.counted(registry, SwitchboardMetrics.RETRIES));
    summary.put("degraded_calls", SwitchboardMetrics.counted(registry, SwitchboardMetrics.DEGRADED_CALLS));
    summary.put("call_rejections", SwitchboardMetrics.counted(registry, SwitchboardMetrics.CALL_REJECTIONS));
    summary.put("dead_letters", SwitchboardMetrics.counted(registry, SwitchboardMetrics.DEAD_LETTERS));
    summary.put("cpu_avg_pct", run.cpuAveragePercent());
    summary.put("heap_max_mb", round(run.heapMaxMb(), 1));
    return summary;
  }

  private static void percentiles(Map<String, Number> summary, String name, Histogram histogram) {
    summary.put(name + "_p50_ms", Latencies.millis(histogram, 50));
    summary.put(name + "_p90_ms", Latencies.millis(histogram, 90));
    summary.put(name + "_p99_ms", Latencies.millis(histogram, 99));
    summary.put(name + "_p999_ms", Latencies.millis(histogram, 99.9));
    summary.put(name + "_max_ms", histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0);
  }

  /** The 99.9% Wilson score interval of {@code successes} in {@code trials}. */
  static double[] wilson(long successes, long trials) {
    if (trials == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double p = (double) successes / trials;
    double z2 = Z * Z;
    double denominator = 1 + z2 / trials;
    double center = (p + z2 / (2.0 * trials)) / denominator;
    double half = Z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
    return new double[] {Math.max(0, center - half), Math.min(1, center + half)};
  }

  private static long handled(MeterRegistry registry, Set<String> operations) {
    return registry.find(SwitchboardMetrics.HANDLED).tag("outcome", "ok").timers().stream()
        .filter(timer -> operations.contains(timer.getId().getTag("operation")))
        .mapToLong(Timer::count).sum();
  }

  private static long sagas(MeterRegistry registry, String outcome) {
    return (long) registry.find(SwitchboardMetrics.SAGAS_FINISHED).tag("outcome", outcome).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  static double round(double value, int decimals) {
    if (!Double.isFinite(value)) {
      return value;
    }
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** The rows the console table shows. */
  static final List<String> CONSOLE_ROWS = List.of("sent", "accepted", "confirmed", "rejected", "errors", "lost",
      "duplicated_effects", "place_p50_ms", "place_p99_ms", "terminal_p50_ms", "terminal_p99_ms", "throughput_per_s",
      "drain_s", "max_backlog", "consistency_lag_p99_ms", "retries", "degraded_calls", "call_rejections", "dead_letters");
}
