package dev.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A closed-loop load: {@code outstanding} calls in flight at all times, each one answered starting the
 * next, for a fixed time, every round trip recorded in an HdrHistogram. The loop runs on one event-loop
 * context, so the load generator costs the same on whichever side it drives; a failed call is counted and
 * its first reason kept (a side that fails calls is not measured, it is reported broken). A run lasts
 * at least until as many calls were answered as are kept in flight, so that it always has a figure.
 */
final class ClosedLoop {

  /** Round trips above this are recorded as this (a minute, in microseconds). */
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

  private final Context context;
  private final Supplier<Future<?>> call;

  /**
   * @param context the event-loop context the calls are made from
   * @param call    makes one call; completes when its answer is in
   */
  ClosedLoop(Context context, Supplier<Future<?>> call) {
    this.context = context;
    this.call = call;
  }

  /** What one run measured. */
  record Figures(long calls, long failures, String firstFailure, long nanos, Histogram latencyMicros) {

    static Figures empty() {
      return new Figures(0, 0, null, 0, histogram());
    }

    double callsPerSecond() {
      return nanos == 0 ? 0 : calls * 1e9 / nanos;
    }

    double p99Ms() {
      return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(99) / 1000.0;
    }

    double p50Ms() {
      return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(50) / 1000.0;
    }

    /** This run and {@code other} as one (rounds of the same side). */
    Figures plus(Figures other) {
      Histogram merged = histogram();
      merged.add(latencyMicros);
      merged.add(other.latencyMicros);
      return new Figures(calls + other.calls, failures + other.failures,
          firstFailure != null ? firstFailure : other.firstFailure, nanos + other.nanos, merged);
    }
  }

  static Histogram histogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  /**
   * Runs {@code outstanding} calls at a time for {@code durationMs}; completes once the calls in flight
   * at the end are answered (they are not counted: the time is the measured window's).
   */
  Future<Figures> run(int outstanding, long durationMs) {
    if (outstanding < 1 || durationMs < 1) {
      throw new IllegalArgumentException("a closed loop needs at least one call in flight and a duration; got "
          + outstanding + " calls for " + durationMs + " ms");
    }
    Promise<Figures> done = Promise.promise();
    context.runOnContext(start -> new Run(outstanding, durationMs, done).start());
    return done.future();
  }

  /** One run's state; touched on the loop's context only. */
  private final class Run {
    private final int outstanding;
    private long endNanos;
    private final long startNanos;
    private final Promise<Figures> done;
    private final Histogram latencies = histogram();
    private long calls;
    private long failures;
    private String firstFailure;
    private int inFlight;

    Run(int outstanding, long durationMs, Promise<Figures> done) {
      this.outstanding = outstanding;
      this.startNanos = System.nanoTime();
      this.endNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(durationMs);
      this.done = done;
    }

    void start() {
      for (int i = 0; i < outstanding; i++) {
        next();
      }
    }

    private void next() {
      long sent = System.nanoTime();
      inFlight++;
      Future<?> answer;
      try {
        answer = call.get();
      } catch (RuntimeException refused) {
        answer = Future.failedFuture(refused);
      }
      answer.onComplete(outcome -> {
        inFlight--;
        long now = System.nanoTime();
        // a window shorter than a round trip (a cold start on a busy machine) would measure next to nothing:
        // it lasts until as many calls were answered as are in flight
        if (now <= endNanos || calls < outstanding) {
          endNanos = Math.max(endNanos, now);
          if (outcome.succeeded()) {
            calls++;
            latencies.recordValue(Math.min(MAX_MICROS, Math.max(1, (now - sent) / 1_000)));
          } else {
            failures++;
            if (firstFailure == null) {
              firstFailure = String.valueOf(outcome.cause().getMessage());
            }
          }
          if (outcome.succeeded()) {
            next();
          } else {
            // a call refused at once must not recurse: the next one starts on a fresh stack
            context.runOnContext(again -> next());
          }
        } else if (inFlight == 0) {
          done.complete(new Figures(calls, failures, firstFailure, endNanos - startNanos, latencies));
        }
      });
    }
  }
}
