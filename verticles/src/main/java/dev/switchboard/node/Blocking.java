package dev.switchboard.node;

import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;

/** Waiting for a future from a plain thread (the main thread of a command), never from an event loop. */
public final class Blocking {

  private Blocking() {
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
