package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * An rpc call is attempted again after an uncertain failure only when its operation is configured
 * {@code idempotent}: the callee may have taken effect before the reply was lost.
 * <ul>
 *   <li>{@code idempotent: true} on an operation whose handler is not idempotent (plain, or repeating
 *       its effect) makes every such retry run the effect again: an <b>error</b>;</li>
 *   <li>{@code retries} set on an rpc-mode operation that is not {@code idempotent}: the retries do
 *       not apply to its rpc calls (only to its handling in event mode), which the operator may not
 *       expect: a <b>warning</b>.</li>
 * </ul>
 * Subscribers are left out: the emitter delivers events to them again in either mode, deduplicated by event id.
 */
final class RpcRetryRule implements CheckRule {

  @Override
  public List<Finding> findings(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (Operation<?, ?> operation : application.operations().all()) {
      if (operation.stream().isPresent()) {
        continue;
      }
      String name = operation.name();
      OperationSettings settings = config.operation(name);
      if (settings.policy().idempotent() && !operation.handling().idempotent()) {
        findings.add(Finding.error(OperationKeys.key(name, "idempotent"), "true, but the handler of " + name + " is "
            + operation.handling().description() + ": a call retried after a lost reply runs its effect again;"
            + " allowed only for operations served transactionally or declared idempotent: remove the key"));
      }
      if (settings.mode() == Mode.RPC && !settings.policy().idempotent() && settings.retries() > 0
          && config.sets(OperationKeys.key(name, "retries"))) {
        findings.add(Finding.warning(OperationKeys.key(name, "retries"), settings.retries() + ", but " + name
            + " is not idempotent (" + OperationKeys.key(name, "idempotent") + " false): its rpc calls are not"
            + " retried (the retries apply in event mode only)"
            + (operation.handling().idempotent() ? "; its handler allows retries: set "
                + OperationKeys.key(name, "idempotent") + "=true" : "")));
      }
    }
    return findings;
  }
}
