package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.saga.SagaOutline;

import java.util.ArrayList;
import java.util.List;

/**
 * An operation in rpc mode whose handler runs a saga (its caller waits for the whole chain) against
 * the time the saga's rpc calls may take: each rpc-mode step and compensation its {@code timeoutMs},
 * times its attempts where retries apply to rpc calls ({@code idempotent}: 1 + {@code retries}),
 * the worst case being every step taking effect slowly and the last one failing, so that every
 * compensation runs too. When that sum exceeds the operation's own {@code timeoutMs}, a slow chain
 * outlasts the caller: the caller is answered before the order is decided (or times out) while the
 * steps still run, and the forward steps still to come when the deadline passes are not called.
 * A <b>warning</b>: nothing is lost or done twice — the saga still ends in one terminal state — but
 * the caller learns less than it waited for. Event-mode steps are left out: they have no deadline of
 * their own.
 */
final class ChainDeadlineRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (SagaOutline saga : application.sagas()) {
      if (saga.startedBy().isEmpty()) {
        continue;
      }
      OperationSettings caller = config.operation(saga.startedBy().get());
      if (caller.mode() != Mode.RPC) {
        continue;
      }
      List<String> forward = new ArrayList<>();
      List<String> compensations = new ArrayList<>();
      long total = 0;
      for (SagaOutline.Step step : saga.steps()) {
        total += budget(config, step.operation(), forward);
      }
      for (SagaOutline.Step step : saga.steps()) {
        if (step.compensation().isPresent()) {
          total += budget(config, step.compensation().get(), compensations);
        }
      }
      if (total > caller.timeoutMs()) {
        String name = caller.operation();
        findings.add(Finding.warning(OperationKeys.key(name, "timeoutMs"),
            OperationKeys.quoted(config, name, "timeoutMs", caller.timeoutMs()) + ", but the " + saga.saga()
                + " saga it runs in rpc mode may take " + total + " ms in rpc calls: "
                + (forward.isEmpty() ? "" : "steps " + String.join(" + ", forward))
                + (forward.isEmpty() || compensations.isEmpty() ? "" : ", ")
                + (compensations.isEmpty() ? "" : "compensations " + String.join(" + ", compensations))
                + "; a slow chain outlasts " + name + "'s caller while its steps still run: raise "
                + OperationKeys.key(name, "timeoutMs") + " to at least " + total
                + ", or lower the steps' timeoutMs or retries"));
      }
    }
    return findings;
  }

  /** The longest an rpc-mode call of {@code operation} may take, added to {@code terms} as {@code name [n x]ms}; 0 in event mode. */
  private static long budget(PlatformConfig config, String operation, List<String> terms) {
    OperationSettings settings = config.operation(operation);
    if (settings.mode() != Mode.RPC) {
      return 0;
    }
    int attempts = settings.policy().idempotent() ? 1 + settings.retries() : 1;
    terms.add(operation + " " + (attempts > 1 ? attempts + "x" : "") + settings.timeoutMs());
    return attempts * settings.timeoutMs();
  }
}
