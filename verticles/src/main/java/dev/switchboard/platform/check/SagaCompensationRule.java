package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.saga.SagaOutline;

import java.util.ArrayList;
import java.util.List;

/**
 * A saga step that nothing undoes: if a later step fails (or, for the last step, if the step itself
 * fails after taking effect, as a timed-out rpc call may), its effect stays while the saga ends
 * aborted. A <b>warning</b>, not an error: the finding is about the application, not the
 * configuration — no flip makes it better or worse, and refusing to start would refuse every
 * configuration — and a step may rightly have nothing to undo (a check, a read, an effect the next
 * steps cannot fail after). The operator should know it before trusting the saga's compensations.
 */
final class SagaCompensationRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (SagaOutline saga : application.sagas()) {
      List<SagaOutline.Step> steps = saga.steps();
      for (int i = 0; i < steps.size(); i++) {
        SagaOutline.Step step = steps.get(i);
        if (step.compensation().isPresent()) {
          continue;
        }
        boolean last = i == steps.size() - 1;
        findings.add(Finding.warning("saga " + saga.saga(), "step " + (i + 1) + " (" + step.operation()
            + ") has no compensation: " + (last
                ? "if it fails after taking effect (a timed-out rpc call), nothing undoes it"
                : "if a later step fails, its effect stays while the saga ends aborted")));
      }
    }
    return findings;
  }
}
