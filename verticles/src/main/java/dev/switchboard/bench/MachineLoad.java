package dev.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What else the machine was doing when a suite ran, for its notes: figures measured while other
 * processes take the cores are lower and noisier, however fair the comparison within the run.
 */
final class MachineLoad {

  private MachineLoad() {
  }

  /** E.g. {@code load average 1.20 on 2 cores when the suite started}. */
  static String now() {
    return describe(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
  }

  /** The note for a one-minute load average of {@code load} (negative: not available) on {@code cores}. */
  static String describe(double load, int cores) {
    if (load < 0) {
      return "load average not available (" + cores + " cores)";
    }
    String note = String.format(Locale.ROOT, "load average %.2f on %d cores when the suite started", load, cores);
    return load < cores ? note : note + " (as many runnable threads as cores or more over the last minute, this"
        + " run's previous suite included: CPU time was scarce for both sides alike, and the figures may be low and"
        + " noisy)";
  }
}
