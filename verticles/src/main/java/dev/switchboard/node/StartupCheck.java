package dev.switchboard.node;

import dev.switchboard.platform.check.ConfigCheck;
import dev.switchboard.platform.check.Finding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The pre-flip check at the door of {@code serve}: a configuration with an error finding (work lost
 * or done twice) does not start; its warnings are logged. Demos, experiments and tests start nodes
 * without it: their faults and unsafe variants are the point of the run.
 */
public final class StartupCheck {

  private static final Logger LOGGER = LoggerFactory.getLogger(StartupCheck.class);

  private StartupCheck() {
  }

  /**
   * Checks {@code config}; logs each warning.
   *
   * @throws StartupFailure naming every error, when there is one
   */
  public static void require(NodeConfig config) {
    List<Finding> findings = ConfigCheck.of(config.application(), config.platform());
    findings.stream().filter(finding -> !finding.isError())
        .forEach(warning -> LOGGER.warn("pre-flip check: {}", warning.line()));
    List<Finding> errors = findings.stream().filter(Finding::isError).toList();
    if (!errors.isEmpty()) {
      throw StartupFailure.failedCheck(errors);
    }
  }
}
