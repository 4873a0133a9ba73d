package dev.switchboard.platform.store;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The pieces of work waiting for the store's writers, as they were submitted: one list per
 * submission. With {@code holdTurns} (H2's one writer), what an event loop asks for during one turn
 * is held and submitted together by a task the loop runs once the turn is done, on its own thread —
 * so the writer is woken once per turn of a loop rather than once per piece, and its group commits
 * are larger. Without (PostgreSQL's writers, which take one piece each, concurrently), each piece is
 * submitted alone. Once closed, a submission fails UNAVAILABLE on its callers' contexts.
 *
 * <p>Pieces asked on one thread are taken in the order asked. Between threads there is no order: a
 * piece held for a loop's turn can be taken after one that a worker, started in that same turn, asked.
 */
final class WorkQueue {

  /** What each writer takes last: once the queue is closed, one per writer ends it. */
  private static final List<StoreJob<?>> STOP = List.of(new StoreJob<>(connection -> null, null, null));

  private final BlockingQueue<List<StoreJob<?>>> queue = new LinkedBlockingQueue<>();
  /**
   * The pieces an event-loop thread asked for during its current turn, submitted together by one
   * task on that same thread. Per thread: only its own thread touches a list.
   */
  private final ThreadLocal<List<StoreJob<?>>> pending = new ThreadLocal<>();
  private final boolean holdTurns;
  /** Written under this queue's lock, with the submission it decides; read without it. */
  private volatile boolean closed;

  WorkQueue(boolean holdTurns) {
    this.holdTurns = holdTurns;
  }

  /** Queues a piece of work, to be completed on the calling context (see above for when it is handed over). */
  <T> Future<T> add(SqlWork<T> work) {
    if (closed) {
      return Future.failedFuture(closedFailure());
    }
    Promise<T> promise = Promise.promise();
    Context context = Vertx.currentContext();
    StoreJob<T> job = new StoreJob<>(work, promise, context);
    EventLoop loop = holdTurns && context instanceof ContextInternal internal && internal.isEventLoopContext()
        ? internal.nettyEventLoop() : null;
    if (loop != null && loop.inEventLoop()) {
      List<StoreJob<?>> held = pending.get();
      if (held != null) {
        held.add(job);
      } else {
        List<StoreJob<?>> turn = new ArrayList<>();
        turn.add(job);
        pending.set(turn);
        try {
          // runs on this same thread once the loop is done with what it does now: no wake-up to pay
          loop.execute(this::submitPending);
        } catch (RuntimeException loopShutDown) {
          submitPending();
        }
      }
    } else {
      // not on its context's own loop thread (a worker, or a context dispatched on a foreign thread): at
      // once — after what this thread holds for its turn, so that one thread's pieces keep their order
      submitPending();
      submit(List.of(job));
    }
    return promise.future();
  }

  /**
   * Refuses what is asked from now on, once what the calling thread holds for its turn is queued;
   * returns whether this call closed the queue. What another event loop holds for its turn when the
   * queue closes fails UNAVAILABLE when the loop submits it, as if it had been asked after.
   */
  boolean close() {
    submitPending();
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    }
  }

  /** After {@link #close}: each of {@code writers} writers takes what was queued before, then ends. */
  void stop(int writers) {
    for (int i = 0; i < writers; i++) {
      queue.add(STOP);
    }
  }

  /**
   * Waits for work, then takes it and whatever else is waiting, in the order submitted, into
   * {@code batch} — whole submissions, until it holds {@code maxPieces} pieces or more. Returns how
   * many of the writers' ends it took along: when more than none, this writer ends after the batch
   * ({@link #passOn} the rest).
   */
  int take(List<StoreJob<?>> batch, int maxPieces) throws InterruptedException {
    int stops = 0;
    for (List<StoreJob<?>> submitted = queue.take(); submitted != null;
         submitted = batch.size() < maxPieces ? queue.poll() : null) {
      if (submitted == STOP) {
        stops++;
      } else {
        batch.addAll(submitted);
      }
    }
    return stops;
  }

  /** Puts back writers' ends taken along with one's own: they are the other writers'. */
  void passOn(int stops) {
    for (int i = 0; i < stops; i++) {
      queue.add(STOP);
    }
  }

  /** Submits, in the order asked, what this event-loop thread asked for during its turn. */
  private void submitPending() {
    List<StoreJob<?>> held = pending.get();
    pending.remove();
    if (held != null && !held.isEmpty()) {
      submit(held);
    }
  }

  private void submit(List<StoreJob<?>> jobs) {
    synchronized (this) {
      if (!closed) {
        queue.add(jobs);
        return;
      }
    }
    StoreJob.failAll(jobs, closedFailure());
  }

  private static OperationException closedFailure() {
    return new OperationException(ErrorCode.UNAVAILABLE, "store is closed");
  }
}
