package dev.switchboard.platform.metrics;

import dev.switchboard.platform.config.Mode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Each operation's recent rates and latencies, by what was measured ({@link Kind}) and by mode, so
 * that an operator flipping an operation between rpc and event sees both lines while traffic flows:
 * one {@link RecentWindow} per operation, kind and mode, made on its first outcome. Recording is
 * lock-free; {@link #rotate} (once a second, from a timer, off the event loop) closes an interval of
 * every window, each keeping the last {@link #windowSeconds()} intervals.
 */
public final class RecentMeasures {

  /** What a window measures: calls as their callers saw them, or requests and commands as handlers ran them. */
  public enum Kind {
    CALLS, HANDLED
  }

  private static final int MODES = Mode.values().length;

  private final int windowSeconds;
  private final LongSupplier nanoTime;
  private final Map<String, AtomicReferenceArray<RecentWindow>> byOperation = new ConcurrentHashMap<>();

  /** Windows of {@code windowSeconds} intervals, timed by {@code nanoTime}. */
  public RecentMeasures(int windowSeconds, LongSupplier nanoTime) {
    if (windowSeconds < 1) {
      throw new IllegalArgumentException("windowSeconds must be at least 1: " + windowSeconds);
    }
    this.windowSeconds = windowSeconds;
    this.nanoTime = nanoTime;
  }

  /** How many one-second intervals a window keeps. */
  public int windowSeconds() {
    return windowSeconds;
  }

  /** One outcome of {@code operation} in {@code mode} (spelled as {@link Mode#spelling()}); other modes are ignored. */
  void record(Kind kind, String operation, String mode, boolean failed, long nanos) {
    int modeIndex = switch (mode) {
      case "rpc" -> Mode.RPC.ordinal();
      case "event" -> Mode.EVENT.ordinal();
      default -> -1;
    };
    if (modeIndex < 0) {
      return;
    }
    AtomicReferenceArray<RecentWindow> windows = byOperation.get(operation);
    if (windows == null) {
      windows = byOperation.computeIfAbsent(operation,
          name -> new AtomicReferenceArray<>(Kind.values().length * MODES));
    }
    int index = kind.ordinal() * MODES + modeIndex;
    RecentWindow window = windows.get(index);
    if (window == null) {
      windows.compareAndSet(index, null, new RecentWindow(windowSeconds, nanoTime.getAsLong()));
      window = windows.get(index);
    }
    window.record(failed, nanos);
  }

  /** Closes the current interval of every window; waits briefly for writers (the swap): not on an event loop. */
  public void rotate() {
    long now = nanoTime.getAsLong();
    for (AtomicReferenceArray<RecentWindow> windows : byOperation.values()) {
      for (int i = 0; i < windows.length(); i++) {
        RecentWindow window = windows.get(i);
        if (window != null) {
          window.rotate(now);
        }
      }
    }
  }

  /** The measures of {@code operation}'s {@code kind} in {@code mode} as of the last rotation. */
  public Recent recent(Kind kind, String operation, Mode mode) {
    AtomicReferenceArray<RecentWindow> windows = byOperation.get(operation);
    RecentWindow window = windows == null ? null : windows.get(kind.ordinal() * MODES + mode.ordinal());
    return window == null ? Recent.NONE : window.latest();
  }
}
