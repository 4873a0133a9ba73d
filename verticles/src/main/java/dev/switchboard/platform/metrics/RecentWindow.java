package dev.switchboard.platform.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The last seconds of one stream of outcomes (an operation's calls, or its handling, in one mode): a
 * latency and whether it failed, recorded from any thread without a lock (an HdrHistogram
 * {@link Recorder} and a {@link LongAdder}); {@link #rotate} closes the current interval into a ring of
 * {@code slots} intervals and publishes the rate and percentiles over the ring, read by {@link #latest}.
 * Latencies are kept in microseconds to 2 significant digits, up to an hour (longer ones count as an
 * hour).
 */
final class RecentWindow {

  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
  private static final int DIGITS = 2;

  private final Recorder latencies = new Recorder(1, HIGHEST_MICROS, DIGITS);
  private final LongAdder failures = new LongAdder();
  private final PackedHistogram[] slots;
  private final long[] slotFailures;
  private final long[] slotNanos;
  private final Histogram window = new Histogram(1, HIGHEST_MICROS, DIGITS);
  private long windowFailures;
  private long windowNanos;
  private int next;
  private int filled;
  private long lastRotation;
  private volatile Recent latest = Recent.NONE;

  /** A window of {@code slots} intervals, its first one starting at {@code nowNanos}. */
  RecentWindow(int slots, long nowNanos) {
    this.slots = new PackedHistogram[slots];
    for (int i = 0; i < slots; i++) {
      this.slots[i] = new PackedHistogram(1, HIGHEST_MICROS, DIGITS);
    }
    this.slotFailures = new long[slots];
    this.slotNanos = new long[slots];
    this.lastRotation = nowNanos;
  }

  /** One outcome; any thread, no lock, no allocation. */
  void record(boolean failed, long nanos) {
    latencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1_000)));
    if (failed) {
      failures.increment();
    }
  }

  /**
   * Closes the interval since the last rotation (ending at {@code nowNanos}) into the ring, dropping
   * the oldest once the ring is full, and publishes the measures over the ring. One thread at a time.
   */
  synchronized void rotate(long nowNanos) {
    int slot = next;
    if (filled == slots.length) {
      window.subtract(slots[slot]);
      windowFailures -= slotFailures[slot];
      windowNanos -= slotNanos[slot];
    } else {
      filled++;
    }
    latencies.getIntervalHistogramInto(slots[slot]);
    slotFailures[slot] = failures.sumThenReset();
    slotNanos[slot] = Math.max(0, nowNanos - lastRotation);
    lastRotation = nowNanos;
    window.add(slots[slot]);
    windowFailures += slotFailures[slot];
    windowNanos += slotNanos[slot];
    next = (slot + 1) % slots.length;
    latest = summary();
  }

  private Recent summary() {
    long count = window.getTotalCount();
    if (count == 0 || windowNanos == 0) {
      return Recent.NONE;
    }
    double seconds = windowNanos / 1e9;
    // an outcome recorded while rotating may count its failure one interval apart from its latency
    long failed = Math.min(count, Math.max(0, windowFailures));
    return new Recent(count, count / seconds, failed / seconds, window.getValueAtPercentile(50) / 1_000.0,
        window.getValueAtPercentile(99) / 1_000.0);
  }

  /** The measures as of the last rotation. */
  Recent latest() {
    return latest;
  }
}
