package dev.switchboard.experiment.report;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A made-up two-variant experiment over ten seconds with a fault from 3 s to 6 s: the rpc variant's
 * PlaceOrder slows while the fault lasts, the event variant answers fast but builds a backlog and a queue.
 * One hypothesis holds, one fails, and the claim carries markup that the HTML report must escape.
 */
final class SyntheticResults {

  static final String CLAIM = "Events keep PlaceOrder fast <script>alert('claim')</script> & lose nothing";
  static final int SECONDS = 10;
  static final int PLACE_COUNT = 500;
  static final int TERMINAL_COUNT = 480;
  static final int LAG_COUNT = 120;

  private SyntheticResults() {
  }

  static ExperimentResults twoVariants() {
    FaultWindow fault = new FaultWindow(3.0, 6.0, "payment.charge", "latencyMs=2000");
    return new ExperimentResults("payment-slowdown", CLAIM, Instant.parse("2026-03-01T10:15:30Z"),
        List.of(variant("all-rpc", false, 1), variant("all-event", true, 2)), List.of(fault),
        List.of(new Verdict("all-event loses nothing: lost = 0 and duplicated_effects = 0", true,
                "all-event.lost = 0, all-event.duplicated_effects = 0"),
            new Verdict("all-rpc keeps PlaceOrder p99 under 100 ms", false, "all-rpc.place_p99_ms = 2043.5")));
  }

  private static VariantResults variant(String name, boolean event, long seed) {
    Random random = new Random(seed);
    Histogram place = new Histogram(3_600_000_000L, 3);
    Histogram terminal = new Histogram(3_600_000_000L, 3);
    Histogram lag = new Histogram(3_600_000_000L, 3);
    for (int i = 0; i < PLACE_COUNT; i++) {
      boolean inFault = i >= 150 && i < 300;
      long placeUs = event ? 800 + random.nextInt(2_000) : (inFault ? 2_000_000 + random.nextInt(60_000) : 3_000 + random.nextInt(9_000));
      place.recordValue(placeUs);
      if (i < TERMINAL_COUNT) {
        terminal.recordValue(inFault ? 2_100_000 + random.nextInt(900_000) : 20_000 + random.nextInt(40_000));
      }
    }
    if (event) {
      for (int i = 0; i < LAG_COUNT; i++) {
        lag.recordValue(1_000 + (long) (Math.abs(random.nextGaussian()) * 15_000));
      }
    }

    List<Map<String, Number>> series = new ArrayList<>();
    for (int t = 0; t < SECONDS; t++) {
      boolean inFault = t >= 3 && t < 6;
      Map<String, Number> second = new LinkedHashMap<>();
      second.put("t_s", t);
      second.put("offered", 50);
      second.put("sent", 50);
      boolean silent = !event && t == 4; // no PlaceOrder answer in this second: nothing to take percentiles of
      second.put("answered", event || !inFault ? 50 : (silent ? 0 : 12));
      second.put("errors", 0);
      second.put("terminal", inFault ? 10 : (t >= 6 && t < 8 ? 90 : 50));
      second.put("confirmed", inFault ? 9 : 47);
      second.put("backlog", inFault ? 40 * (t - 2) : (t >= 6 && t < 8 ? 120 - 60 * (t - 5) : 2));
      second.put("queue_depth", event ? (inFault ? 35 * (t - 2) : 1) : 0);
      second.put("place_p50_ms", silent ? Double.NaN : event ? 1.2 + 0.1 * random.nextDouble() : (inFault ? 2010.0 : 6.0 + random.nextDouble()));
      second.put("place_p99_ms", silent ? Double.NaN : event ? 2.7 + 0.3 * random.nextDouble() : (inFault ? 2055.0 : 11.0 + random.nextDouble()));
      second.put("terminal_p50_ms", inFault ? 2400.0 : 40.0 + 5 * random.nextDouble());
      second.put("terminal_p99_ms", inFault ? 2950.0 : 58.0 + 5 * random.nextDouble());
      second.put("consistency_lag_p99_ms", event ? 30.0 + 10 * random.nextDouble() : Double.NaN);
      second.put("cpu_pct", 60.0 + 10 * random.nextDouble());
      second.put("heap_mb", 180.0 + t);
      second.put("active_faults", inFault ? 1 : 0);
      series.add(second);
    }

    Map<String, Number> summary = new LinkedHashMap<>();
    for (String measure : Measures.SUMMARY.keySet()) {
      summary.put(measure, (long) (measure.hashCode() & 0xff));
    }
    summary.put("offered", 500L);
    summary.put("success_rate", 0.9412);
    summary.put("success_ci_low", 0.9171);
    summary.put("success_ci_high", 0.9587);
    summary.put("place_p50_ms", place.getValueAtPercentile(50) / 1000.0);
    summary.put("place_p99_ms", place.getValueAtPercentile(99) / 1000.0);
    summary.put("terminal_p99_ms", terminal.getValueAtPercentile(99) / 1000.0);
    summary.put("throughput_per_s", 48.04);
    summary.put("duration_s", 10.4);
    summary.put("consistency_lag_p50_ms", event ? lag.getValueAtPercentile(50) / 1000.0 : Double.NaN);
    summary.put("consistency_stale_share", event ? 0.35 : Double.NaN);

    Map<String, String> settings = new TreeMap<>();
    if (event) {
      settings.put("operations.orders.place.mode", "event");
      settings.put("transport", "kafka");
    }
    settings.put("fault.payment.charge", "latencyMs=2000 & then <stopped>");
    Map<String, Number> window = new LinkedHashMap<>();
    for (String measure : Measures.WINDOW.keySet()) {
      window.put(measure, (long) (measure.hashCode() & 0xff));
    }
    window.put("from_s", 2.0);
    window.put("until_s", 5.0);
    window.put("place_p90_ms", event ? 2.5 : 2031.0);
    window.put("terminal_p90_ms", Double.NaN);
    return new VariantResults(name, settings, summary, Map.of("fault", window), series, place, terminal, lag);
  }
}
