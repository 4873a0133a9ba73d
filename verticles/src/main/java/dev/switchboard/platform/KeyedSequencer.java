package dev.switchboard.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous work one at a time per key, in arrival order, so that two results of the same
 * saga never interleave their load-change-store, and two records with the same key are handled in order.
 */
public final class KeyedSequencer {

  private final Map<String, Future<Void>> tails = new HashMap<>();

  public Future<Void> run(String key, Supplier<Future<?>> work) {
    Promise<Void> done = Promise.promise();
    Future<Void> previous;
    synchronized (tails) {
      previous = tails.getOrDefault(key, Future.succeededFuture());
      tails.put(key, done.future());
    }
    previous.onComplete(ignored -> {
      Future<?> step;
      try {
        step = work.get();
      } catch (RuntimeException e) {
        step = Future.failedFuture(e);
      }
      step.onComplete(outcome -> {
        synchronized (tails) {
          tails.remove(key, done.future());
        }
        if (outcome.succeeded()) {
          done.complete();
        } else {
          done.fail(outcome.cause());
        }
      });
    });
    return done.future();
  }
}
