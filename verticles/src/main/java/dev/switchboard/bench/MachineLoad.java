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

  /** E.g. {@code load average 3.20 on 2 cores when the suite started}. */
  static String now() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    int cores = Runtime.getRuntime().availableProcessors();
    return load < 0 ? "load average not available (" + cores + " cores)"
        : String.format(Locale.ROOT, "load average %.2f on %d cores when the suite started (above the number of"
            + " cores, other processes took CPU time from both sides alike, and the figures are low and noisy)",
            load, cores);
  }
}
