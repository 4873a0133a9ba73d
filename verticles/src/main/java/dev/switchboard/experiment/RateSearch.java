package dev.switchboard.experiment;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest rate the targets sustain: a run at the starting rate, then at double the rate while
 * each run keeps up ({@link LoadResult#keptUp}), then halfway between the highest rate that kept up
 * and the lowest that did not, until the two are within {@value #RESOLUTION_SHARE} of each other (or
 * one order a second), the rate reaches the ceiling, or {@value #MAX_STEPS} runs are done.
 * <p>
 * A rate that did not keep up is run once more before it counts as one that does not (unless that
 * was the last step allowed): the second run decides. A single run can fall for what has nothing to
 * do with the rate — a long collection, a burst of compilation, a consumer group settling — and a
 * search that believed it would bisect down from there and report a fraction of what the targets
 * sustain (seen: an all-kafka search whose first step fell at 200/s, on a day the same search with
 * the second run found 775/s). The highest rate reported is thus one that kept up in one of at most
 * two runs.
 */
public final class RateSearch {

  static final int MAX_STEPS = 24;
  static final double RESOLUTION_SHARE = 0.05;

  /** Runs one step at a rate; {@code step} counts from 1. */
  public interface Step {
    Future<LoadResult> run(int rate, int step);
  }

  /**
   * @param highest the highest rate that kept up, 0 when none did
   * @param capped  the search stopped at the ceiling while still keeping up: the targets may sustain more
   * @param steps   every run, in order
   */
  public record Outcome(int highest, boolean capped, List<LoadResult> steps) {
  }

  private final int start;
  private final int ceiling;
  private final Step step;
  private final List<LoadResult> steps = new ArrayList<>();
  private int highestKeptUp;
  private int lowestFell = -1;

  public RateSearch(int start, int ceiling, Step step) {
    this.start = Math.min(start, ceiling);
    this.ceiling = ceiling;
    this.step = step;
  }

  public Future<Outcome> search() {
    return next(start);
  }

  private Future<Outcome> next(int rate) {
    return run(rate, false);
  }

  private Future<Outcome> run(int rate, boolean again) {
    return step.run(rate, steps.size() + 1).compose(result -> {
      steps.add(result);
      if (result.keptUp()) {
        highestKeptUp = Math.max(highestKeptUp, rate);
      } else if (!again && steps.size() < MAX_STEPS) {
        return run(rate, true);
      } else {
        lowestFell = lowestFell < 0 ? rate : Math.min(lowestFell, rate);
      }
      int following = following();
      return following < 0 ? Future.succeededFuture(outcome()) : next(following);
    });
  }

  /** The next rate to try, or -1 when the search is over. */
  private int following() {
    if (steps.size() >= MAX_STEPS) {
      return -1;
    }
    if (lowestFell < 0) {
      return highestKeptUp >= ceiling ? -1 : (int) Math.min(ceiling, 2L * highestKeptUp);
    }
    int gap = lowestFell - highestKeptUp;
    if (gap <= Math.max(1, RESOLUTION_SHARE * highestKeptUp)) {
      return -1;
    }
    return highestKeptUp + gap / 2;
  }

  private Outcome outcome() {
    return new Outcome(highestKeptUp, lowestFell < 0 && highestKeptUp >= ceiling, List.copyOf(steps));
  }
}
