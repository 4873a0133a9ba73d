package dev.switchboard.platform;

/** Exponential backoff, the one rule every retry in the platform and its edges waits by. */
public final class Backoff {

  private Backoff() {
  }

  /**
   * {@code baseMs} doubled once per earlier attempt ({@code doublings}, at most 10 times), and never
   * more than {@code maxMs}.
   */
  public static long delayMs(long baseMs, int doublings, long maxMs) {
    return Math.min(maxMs, baseMs << Math.min(Math.max(doublings, 0), 10));
  }

  /**
   * {@code delayMs} with "equal jitter": half of it, plus a random share of the other half, so that
   * callers that failed together do not all come back at the same moment.
   */
  public static long equalJitter(long delayMs) {
    long half = Math.max(delayMs, 0) / 2;
    return half + java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.max(delayMs, 0) - half + 1);
  }
}
