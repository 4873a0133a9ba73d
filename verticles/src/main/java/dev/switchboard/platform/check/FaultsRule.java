package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Faults belong to drills and experiments. Deduplication switched off ({@code faults.dedup: false})
 * lets every redelivered or resent message take effect again — charges twice — and is an
 * <b>error</b>; any other injected fault (latency, errors, outage, capacity, duplicates) is a
 * <b>warning</b>: harmless to correctness, but not what production should run with.
 */
final class FaultsRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (OperationSettings settings : sorted(config)) {
      FaultSettings faults = settings.faults();
      String operation = settings.operation();
      if (!faults.dedup()) {
        findings.add(Finding.error(OperationKeys.key(operation, "faults.dedup"), "false: " + operation
            + " no longer deduplicates by message id, so every redelivered or resent message takes effect again;"
            + " allowed in drills only: remove the key (default true)"));
      }
      List<String> injected = injected(faults);
      if (!injected.isEmpty()) {
        findings.add(Finding.warning(OperationKeys.key(operation, "faults"), String.join(", ", injected)
            + ": faults injected into " + operation + ", for drills and experiments; remove them for production"));
      }
    }
    return findings;
  }

  private static List<OperationSettings> sorted(PlatformConfig config) {
    return config.operations().values().stream()
        .sorted(java.util.Comparator.comparing(OperationSettings::operation)).toList();
  }

  /** The faults other than deduplication off, as {@code key=value}. */
  private static List<String> injected(FaultSettings faults) {
    List<String> injected = new ArrayList<>();
    if (faults.latencyMs() > 0) {
      injected.add("latencyMs=" + faults.latencyMs());
    }
    if (faults.errorRate() > 0) {
      injected.add("errorRate=" + faults.errorRate());
    }
    if (faults.down()) {
      injected.add("down=true");
    }
    if (faults.capacityPerSecond() > 0) {
      injected.add("capacityPerSecond=" + faults.capacityPerSecond());
    }
    if (faults.duplicateRate() > 0) {
      injected.add("duplicateRate=" + faults.duplicateRate());
    }
    return injected;
  }
}
