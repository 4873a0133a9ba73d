package dev.switchboard.platform.store;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One piece of work for the store's writers, the promise of its caller, and the context to complete it on. */
record StoreJob<T>(SqlWork<T> work, Promise<T> promise, Context context) {

  private static final Logger LOGGER = LoggerFactory.getLogger(StoreJob.class);

  /** Completes the caller's promise on the calling thread; a listener that throws does not stop the writer. */
  void completeHere(Object result, Throwable failure) {
    try {
      if (failure == null) {
        @SuppressWarnings("unchecked")
        T value = (T) result;
        promise.tryComplete(value);
      } else {
        promise.tryFail(failure);
      }
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable listener) { // an Error too (an assertion in a listener): the writer must go on
      LOGGER.warn("store: a caller's listener failed: {}", listener.toString());
    }
  }

  /**
   * Hands the outcomes back to their callers: on event loops, one task per loop with all of its
   * callers' outcomes, in order, each completed on its caller's own context — so that a batch wakes
   * each event loop once rather than once per piece (a handler's context is a new duplicate for every
   * message: grouping by context would group nothing); on any other context (a worker), one task per
   * outcome, as {@code runOnContext} does. What each task completes is copied here: the writer reuses
   * {@code jobs} once this returns.
   */
  static void handBack(List<StoreJob<?>> jobs, List<Object> results, List<Throwable> failures) {
    Map<EventLoop, List<Runnable>> perLoop = new LinkedHashMap<>();
    for (int i = 0; i < jobs.size(); i++) {
      StoreJob<?> job = jobs.get(i);
      Object result = results.get(i);
      Throwable failure = failures.get(i);
      if (job.context() instanceof ContextInternal context && context.isEventLoopContext()) {
        perLoop.computeIfAbsent(context.nettyEventLoop(), ignored -> new ArrayList<>())
            .add(() -> context.dispatch(() -> job.completeHere(result, failure)));
      } else if (job.context() != null) {
        handBack(job.context(), 1, () -> job.context().runOnContext(ignored -> job.completeHere(result, failure)));
      } else {
        job.completeHere(result, failure); // asked from outside Vert.x: completed here
      }
    }
    perLoop.forEach((loop, outcomes) -> handBack(loop, outcomes.size(),
        () -> loop.execute(() -> outcomes.forEach(Runnable::run))));
  }

  /** Schedules a hand-back; one refused by its callers' loop or pool (closed already) is logged, the writer goes on. */
  private static void handBack(Object where, int outcomes, Runnable schedule) {
    try {
      schedule.run();
    } catch (RuntimeException rejected) {
      LOGGER.warn("store: {} result(s) could not be handed back to {}: {}", outcomes, where, rejected.toString());
    }
  }

  /** Fails every piece with the same failure, on its caller's context. */
  static void failAll(List<StoreJob<?>> jobs, Throwable failure) {
    handBack(jobs, Collections.nCopies(jobs.size(), null), Collections.nCopies(jobs.size(), failure));
  }
}
