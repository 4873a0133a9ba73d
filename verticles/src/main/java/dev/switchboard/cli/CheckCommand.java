package dev.switchboard.cli;

import dev.switchboard.node.NodeConfig;
import dev.switchboard.platform.check.ConfigCheck;
import dev.switchboard.platform.check.Finding;
import dev.switchboard.platform.config.ConfigException;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code switchboard check}: reads the configuration as {@code serve} would, validates it, and prints
 * what it risks, one finding a line (errors first), then a summary. Starts nothing. Exit status:
 * 0 no error (warnings allowed), 1 at least one error, 2 a configuration that cannot be read or is
 * invalid (the reason names the key, the value and what is allowed).
 */
final class CheckCommand {

  static final int CLEAN = 0;
  static final int ERRORS = 1;
  static final int INVALID = 2;

  private final PrintStream out;
  private final PrintStream err;

  CheckCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(CommandLine commandLine) {
    NodeConfig config;
    try {
      config = NodeConfig.from(Main.readSettings(commandLine));
    } catch (ConfigException e) {
      err.println("switchboard: " + e.getMessage());
      return INVALID;
    }
    List<Finding> findings = ConfigCheck.of(config.application(), config.platform());
    findings.forEach(finding -> out.println(finding.line()));
    out.println("switchboard check: " + ConfigCheck.summary(findings));
    return ConfigCheck.hasErrors(findings) ? ERRORS : CLEAN;
  }
}
