package dev.switchboard.experiment.report;

import java.time.Instant;
import java.util.List;

/**
 * Everything one experiment run measured and concluded: what {@code results.json}, {@code report.html}
 * and {@code report.md} are written from.
 *
 * @param experiment the experiment's name
 * @param claim      the sentence under test
 * @param startedAt  when the run started
 * @param variants   what each variant did, in the order they ran
 * @param faults     the fault schedule, on the workload's timeline (the same for every variant)
 * @param hypotheses each hypothesis with its verdict
 */
public record ExperimentResults(String experiment, String claim, Instant startedAt, List<VariantResults> variants,
                                List<FaultWindow> faults, List<Verdict> hypotheses) {

  public boolean allHeld() {
    return hypotheses.stream().allMatch(Verdict::passed);
  }
}
