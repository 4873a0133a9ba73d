package dev.switchboard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline: for state that settles asynchronously (event mode), never a fixed sleep. */
public final class Eventually {

  private Eventually() {
  }

  public static void holds(String what, Duration within, BooleanSupplier condition) {
    holds(what, within, Duration.ofMillis(10), condition);
  }

  /** As {@link #holds(String, Duration, BooleanSupplier)}, polling every {@code every} (a costly condition). */
  public static void holds(String what, Duration within, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("within " + within.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }

  /** Runs {@code assertion} until it passes or the deadline ends; the last failure is reported. */
  public static void asserts(Duration within, Runnable assertion) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
