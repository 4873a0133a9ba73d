package dev.switchboard.experiment;

import java.io.PrintStream;
import java.util.List;

/** The side-by-side table of variants that {@code demo} prints. */
final class ReportTable {

  private ReportTable() {
  }

  static void print(PrintStream out, List<VariantResult> results) {
    String header = String.format("%-10s %8s %9s %17s %6s %10s %10s %12s %12s %8s  %s",
        "variant", "accepted", "confirmed", "rejected stk/pay/oth", "errors", "place p50", "place p99",
        "terminal p50", "terminal p99", "orders/s", "consistency");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (VariantResult r : results) {
      out.println(String.format("%-10s %8d %9d %7d %3d/%3d/%3d %6d %10s %10s %12s %12s %8.1f  %s",
          r.variant(), r.accepted(), r.confirmed(), r.terminal() - r.confirmed(), r.rejectedStock(),
          r.rejectedPayment(), r.rejectedOther(), r.errors(),
          millis(r.placeLatency().getValueAtPercentile(50)), millis(r.placeLatency().getValueAtPercentile(99)),
          millis(r.terminalLatency().getValueAtPercentile(50)), millis(r.terminalLatency().getValueAtPercentile(99)),
          r.throughput(), r.consistent() ? "OK" : "VIOLATED"));
    }
    for (VariantResult r : results) {
      if (r.unfinished() > 0) {
        out.println("  " + r.variant() + ": " + r.unfinished() + " accepted orders never reached a terminal state");
      }
      for (String violation : r.violations()) {
        out.println("  " + r.variant() + ": " + violation);
      }
    }
    out.println();
    out.println("place = PlaceOrder answer, terminal = order CONFIRMED/REJECTED, both from the order's intended start"
        + " (open loop, no coordinated omission).");
    out.println("consistency = stock arithmetic exact, money captured = confirmed totals, every accepted order"
        + " terminal, shipped and notified exactly once.");
  }

  private static String millis(long micros) {
    return String.format("%.1f ms", micros / 1000.0);
  }
}
