package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code fallback: event} sends an rpc call that cannot be made (breaker open, callee down, limit
 * reached) as a command instead: the call may have reached the callee already, and the command is
 * delivered at least once. On an operation whose handler is not idempotent (plain, or repeating its
 * effect) the effect then runs twice: an <b>error</b>, whatever the operation's mode now, since a flip
 * to rpc makes the fallback live. (The configuration already refuses {@code fallback: event} without
 * {@code idempotent: true}; this rule weighs the handler itself.)
 */
final class FallbackRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (Operation<?, ?> operation : application.operations().all()) {
      String name = operation.name();
      if (config.operation(name).fallbackToEvent() && !operation.handling().idempotent()) {
        findings.add(Finding.error(OperationKeys.key(name, "fallback"), "event, but the handler of " + name + " is "
            + operation.handling().description() + ": a call degraded to an event may have reached it already, and the"
            + " event is delivered at least once, so its effect runs twice; allowed only for operations served"
            + " transactionally or declared idempotent: remove the key (default none)"));
      }
    }
    return findings;
  }
}
