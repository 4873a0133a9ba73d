package dev.switchboard.bench.kafka;

import com.google.protobuf.BytesValue;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Invokes an event-mode operation on the Kafka transport as fast as the transport accepts its
 * commands, keeping up to {@code window} invocations in flight (Kafka's producer takes as many as its
 * buffer holds; the window bounds what the bench itself keeps). An event-mode invocation completes
 * when the transport has the command: on Kafka, when the broker acknowledged the record (with the
 * producer's acks, all by default). The rate is commands acknowledged per second, from the first
 * invocation to the last acknowledgement. Each command is a new business transaction with an
 * aggregate of its own ({@code order-N}), as a checkout's commands are: its key is that aggregate id.
 */
final class CommandPublisher {

  private final Vertx vertx;
  private final Switchboard switchboard;
  private final BytesValue body;
  private final int window;

  CommandPublisher(Vertx vertx, Switchboard switchboard, BytesValue body, int window) {
    this.vertx = vertx;
    this.switchboard = switchboard;
    this.body = body;
    this.window = window;
  }

  /** Publishing {@code commands} commands took {@code seconds}, from the first invocation to the last acknowledgement. */
  record Run(long commands, double seconds) {

    double perSecond() {
      return commands / seconds;
    }
  }

  /** Publishes {@code count} commands, numbered from {@code first}; blocks until every one is acknowledged. */
  Run publish(long first, long count) {
    Promise<Run> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(start -> new Pump(first, count, done).start());
    return Blocking.await(done.future());
  }

  /** The invocations of one run, on one event loop: started while fewer than the window are in flight. */
  private final class Pump {
    private final long first;
    private final long count;
    private final Promise<Run> done;
    private long started;
    private long acknowledged;
    private long startNanos;

    Pump(long first, long count, Promise<Run> done) {
      this.first = first;
      this.count = count;
      this.done = done;
    }

    void start() {
      startNanos = System.nanoTime();
      fill();
    }

    private void fill() {
      while (started < count && started - acknowledged < window) {
        long order = first + started++;
        CallContext context = CallContext.begin("bench-" + order).withAggregate("order-" + order);
        switchboard.invoke(KafkaBenchNode.PUBLISH, body, context).onComplete(outcome -> {
          if (outcome.failed()) {
            done.tryFail(outcome.cause());
            return;
          }
          if (++acknowledged == count) {
            done.tryComplete(new Run(count, (System.nanoTime() - startNanos) / 1e9));
          } else {
            fill();
          }
        });
      }
    }
  }
}
