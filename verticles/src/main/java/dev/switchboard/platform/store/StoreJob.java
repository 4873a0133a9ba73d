package dev.switchboard.platform.store;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.EventExecutor;
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
    } catch (RuntimeException listener) {
      LOGGER.warn("store: a caller's listener failed: {}", listener.toString());
    }
  }

  /**
   * Hands the outcomes back to their callers: one task per executor (an event loop, a worker queue)
   * with all of its callers' outcomes, in order, each completed on its caller's own context — so that
   * a batch wakes each event loop once rather than once per piece (a handler's context is a new
   * duplicate for every message: grouping by context would group nothing). What each task completes
   * is copied here: the writer reuses {@code jobs} once this returns.
   */
  static void handBack(List<StoreJob<?>> jobs, List<Object> results, List<Throwable> failures) {
    Map<EventExecutor, List<Runnable>> perExecutor = new LinkedHashMap<>();
    for (int i = 0; i < jobs.size(); i++) {
      StoreJob<?> job = jobs.get(i);
      Object result = results.get(i);
      Throwable failure = failures.get(i);
      if (job.context() instanceof ContextInternal context) {
        perExecutor.computeIfAbsent(context.executor(), ignored -> new ArrayList<>())
            .add(() -> context.dispatch(() -> job.completeHere(result, failure)));
      } else {
        job.completeHere(result, failure); // asked from outside Vert.x: completed here
      }
    }
    perExecutor.forEach((executor, outcomes) -> {
      try {
        executor.execute(() -> outcomes.forEach(Runnable::run));
      } catch (RuntimeException rejected) {
        // the callers' event loop or worker pool already closed: the writer goes on
        LOGGER.warn("store: {} results could not be handed back: {}", outcomes.size(), rejected.toString());
      }
    });
  }

  /** Fails every piece with the same failure, on its caller's context. */
  static void failAll(List<StoreJob<?>> jobs, Throwable failure) {
    handBack(jobs, Collections.nCopies(jobs.size(), null), Collections.nCopies(jobs.size(), failure));
  }
}
