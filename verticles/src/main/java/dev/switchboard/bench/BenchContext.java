package dev.switchboard.bench;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What every suite is given.
 *
 * @param quick    a short run that proves the suite works (CI runs it), not one to quote figures from
 * @param out      the directory the run writes into (a suite may put raw files under {@code out/<suite>/})
 * @param progress where a suite says what it is doing, a line at a time
 */
public record BenchContext(boolean quick, Path out, Consumer<String> progress) {

  /** The same run, its progress lines going to {@code progress}. */
  BenchContext forSuite(Consumer<String> suiteProgress) {
    return new BenchContext(quick, out, suiteProgress);
  }

  /** {@code full} normally, {@code quick} in a quick run: durations, counts and rates scale this way. */
  public <T> T pick(T full, T quickValue) {
    return quick ? quickValue : full;
  }
}
