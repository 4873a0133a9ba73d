package dev.switchboard.experiment;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How busy this JVM's JIT compiler has been (its compilation time, from the JVM's
 * {@link CompilationMXBean}), so that a warm-up goes on until the compiler has quieted instead of for a
 * fixed time: on a machine of two cores the compiler threads take a core for minutes after start-up,
 * and anything measured before is the compiler's cost as much as the code's. The benchmarks warm each
 * variant up with it, and experiments the JVM before their first variant ({@link JvmWarmUp}).
 */
public final class JitWatch {

  /**
   * The compiler is quiet when it used less than this share of one core over the last round: a
   * warm-up round whose compilation time was under 5% of its length.
   */
  public static final double QUIET_SHARE = 0.05;

  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  private long lastCompiledMs = compiledMs();

  /** Whether this JVM reports its compilation time; without it, a warm-up cannot tell and runs its longest. */
  public boolean measurable() {
    return jit != null && jit.isCompilationTimeMonitoringSupported();
  }

  /** Milliseconds the JIT spent compiling since the previous call (or since this watch was made). */
  public long compiledMsSinceLast() {
    long now = compiledMs();
    long since = now - lastCompiledMs;
    lastCompiledMs = now;
    return since;
  }

  /** Whether {@code compiledMs} of compilation in a round of {@code roundMs} is quiet. */
  public static boolean quiet(long compiledMs, long roundMs) {
    return compiledMs < QUIET_SHARE * roundMs;
  }

  private long compiledMs() {
    return measurable() ? jit.getTotalCompilationTime() : 0;
  }
}
