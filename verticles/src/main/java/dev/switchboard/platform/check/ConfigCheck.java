package dev.switchboard.platform.check;

import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The pre-flip check: what a configuration risks, weighed against what the application declares
 * (how each handler is served, which sagas invoke which operations), without starting anything.
 * Errors first, then warnings. The command line's {@code check} prints it, {@code serve} refuses to
 * start on an error, and a flip can be checked before it is made ({@link #ofFlip}).
 * <p>
 * The rules, one class each: {@link AtLeastOnceRule}, {@link FaultsRule}, {@link RpcRetryRule},
 * {@link FallbackRule}, {@link ChainDeadlineRule}, {@link SagaCompensationRule}.
 */
public final class ConfigCheck {

  private static final List<CheckRule> RULES = List.of(new AtLeastOnceRule(), new FaultsRule(), new RpcRetryRule(),
      new FallbackRule(), new ChainDeadlineRule(), new SagaCompensationRule());
  private static final Comparator<Finding> ERRORS_FIRST = Comparator.comparing(Finding::severity);

  private ConfigCheck() {
  }

  /** The findings of {@code config}: errors first, each group in the rules' order. */
  public static List<Finding> of(ApplicationModel application, PlatformConfig config) {
    List<Finding> findings = new ArrayList<>();
    for (CheckRule rule : RULES) {
      findings.addAll(rule.findings(application, config));
    }
    findings.sort(ERRORS_FIRST);
    return List.copyOf(findings);
  }

  /**
   * The findings of the configuration as it would be once {@code flip} is made: for the flip API to
   * call on the current configuration before it changes anything.
   *
   * @throws IllegalArgumentException when the flipped operation is not declared
   * @throws ConfigException when the flip would make an invalid configuration, naming the key, the value
   *                         and what is allowed
   */
  public static List<Finding> ofFlip(ApplicationModel application, PlatformConfig current, Flip flip) {
    return ofFlip(application, current, flip.applyTo(current));
  }

  /**
   * The findings of {@code current} with {@code flipped} in place of its operation's settings (such
   * as {@code LiveSettings.wouldFlip} gives): the flip API checks exactly what it is about to install.
   * The operation's mode and transport count as set on purpose.
   *
   * @throws IllegalArgumentException when the operation is not declared
   */
  public static List<Finding> ofFlip(ApplicationModel application, PlatformConfig current,
                                     OperationSettings flipped) {
    String operation = flipped.operation();
    return of(application, current.withOperation(flipped, Set.of(OperationKeys.key(operation, "mode"),
        OperationKeys.key(operation, "transport"))));
  }

  /**
   * The errors a flip would add to the configuration {@code current}: a flip is refused for what it
   * makes unsafe, not for what was so already (a drill's deduplication switched off, say).
   */
  public static List<Finding> errorsAddedByFlip(ApplicationModel application, PlatformConfig current,
                                                OperationSettings flipped) {
    Set<Finding> before = new java.util.HashSet<>(of(application, current));
    return ofFlip(application, current, flipped).stream().filter(Finding::isError)
        .filter(finding -> !before.contains(finding)).toList();
  }

  public static boolean hasErrors(List<Finding> findings) {
    return findings.stream().anyMatch(Finding::isError);
  }

  /** {@code 1 error, 2 warnings}. */
  public static String summary(List<Finding> findings) {
    long errors = findings.stream().filter(Finding::isError).count();
    long warnings = findings.size() - errors;
    return errors + (errors == 1 ? " error, " : " errors, ") + warnings + (warnings == 1 ? " warning" : " warnings");
  }
}
