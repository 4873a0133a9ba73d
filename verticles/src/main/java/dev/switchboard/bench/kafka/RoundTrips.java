package dev.switchboard.bench.kafka;

import com.google.protobuf.BytesValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Command → result round trips through Switchboard, one at a time: {@link Switchboard#call} of
 * {@link KafkaBenchNode#ECHO} in event mode publishes the command, the operation's consumer takes it,
 * the consumer pipeline claims its message id, runs the handler (which answers with the request),
 * records it as processed and publishes the result event, and the caller's tail of the result topic
 * hands it back. Each round trip is timed from the call to its reply, in microseconds.
 */
final class RoundTrips {

  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

  private final Vertx vertx;
  private final Switchboard switchboard;
  private final BytesValue body;

  RoundTrips(Vertx vertx, Switchboard switchboard, BytesValue body) {
    this.vertx = vertx;
    this.switchboard = switchboard;
    this.body = body;
  }

  /** Serves the echo operation: a handler that answers at once. */
  void serve() {
    Blocking.await(switchboard.serve(KafkaBenchNode.ECHO, (request, context) -> Future.succeededFuture(request)));
  }

  /** {@code count} round trips one after the other; their latencies. */
  Histogram measure(int count) {
    Histogram latencies = new Histogram(HIGHEST_MICROS, 3);
    Promise<Histogram> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(start -> next(0, count, latencies, done));
    return Blocking.await(done.future());
  }

  private void next(int made, int count, Histogram latencies, Promise<Histogram> done) {
    if (made == count) {
      done.complete(latencies);
      return;
    }
    long started = System.nanoTime();
    switchboard.call(KafkaBenchNode.ECHO, body, CallContext.begin("bench-echo-" + made)).onComplete(reply -> {
      if (reply.failed()) {
        done.fail(reply.cause());
        return;
      }
      latencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (System.nanoTime() - started) / 1_000)));
      next(made + 1, count, latencies, done);
    });
  }
}
