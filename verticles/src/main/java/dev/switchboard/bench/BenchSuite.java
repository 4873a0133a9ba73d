package dev.switchboard.bench;

/**
 * One suite of {@code switchboard bench}: Switchboard and the raw parts it is built on, measured side
 * by side in one run. A suite runs on a plain thread (never an event loop), may block, starts what it
 * needs and stops it before it returns, and reports progress through {@link BenchContext#progress}.
 */
public interface BenchSuite {

  /** The name on the command line, e.g. {@code invoke}. */
  String name();

  /** One line: what it compares. */
  String description();

  /** Runs the suite; a failure is reported as the suite's error and the other suites still run. */
  SuiteResult run(BenchContext context) throws Exception;
}
