package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Handling;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Event delivery is at-least-once: a message is handed in again after a crash or a rebalance that
 * came between the handler's effect and the record of its message. An operation in event mode whose
 * handler is {@link Handling#PLAIN} (neither transactional nor declared idempotent) then runs its
 * effect twice: an <b>error</b>. One whose handler the application declares
 * {@link Handling#DUPLICATES_ACCEPTED} is allowed, with a <b>warning</b> saying what a redelivery does.
 */
final class AtLeastOnceRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (Operation<?, ?> operation : application.operations().all()) {
      OperationSettings settings = config.operation(operation.name());
      if (settings.mode() != Mode.EVENT) {
        continue;
      }
      String key = OperationKeys.key(operation.name(), "mode");
      String value = OperationKeys.quoted(config, operation.name(), "mode", Mode.EVENT.spelling());
      if (operation.handling() == Handling.PLAIN) {
        findings.add(Finding.error(key, value + ", but the handler of " + operation.name() + " is "
            + Handling.PLAIN.description() + ": event delivery is at-least-once, and a redelivered message"
            + " runs its effect twice; keep it in mode rpc, or serve it with a TransactionalHandler"
            + " or declare it idempotent"));
      } else if (operation.handling() == Handling.DUPLICATES_ACCEPTED) {
        findings.add(Finding.warning(key, value + ": the handler of " + operation.name() + " repeats its effect when"
            + " a message is redelivered (after a crash or a rebalance), which the application accepts for it"));
      }
    }
    return findings;
  }
}
