package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.node.Blocking;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The open-loop sender sends every order once, when it is due")
class OpenLoopSenderTest {

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("orders spread over time and a burst due at once: each sent once, in order, never before it is due")
  void everyOrderOnceNeverEarly() {
    long[] due = new long[40];
    for (int i = 0; i < 20; i++) {
      due[i] = TimeUnit.MILLISECONDS.toNanos(5L * i);
    }
    for (int i = 20; i < due.length; i++) {
      due[i] = TimeUnit.MILLISECONDS.toNanos(150); // a burst
    }
    List<long[]> sent = run(due, Integer.MAX_VALUE);
    assertThat(sent).hasSize(due.length);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(sent.get(i)[0]).as("order sent in turn").isEqualTo(i);
      assertThat(sent.get(i)[1]).as("order %d sent at or after its due time", i).isGreaterThanOrEqualTo(due[i]);
    }
  }

  @Test
  @DisplayName("a sender behind by more than its share per tick catches up over several ticks, sending every order")
  void catchesUpOverSeveralTicks() {
    long[] due = new long[120]; // all due at the start
    Promise<Integer> firstTick = Promise.promise();
    List<long[]> sent = run(due, 50, firstTick);
    assertThat(Blocking.await(firstTick.future())).as("orders sent in the first tick").isEqualTo(50);
    assertThat(sent).extracting(order -> order[0]).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, due.length).boxed().toList());
  }

  private List<long[]> run(long[] due, int maxPerTick) {
    return run(due, maxPerTick, Promise.promise());
  }

  /** Runs a sender over a workload due at {@code due}; the orders sent, each as {index, nanoseconds after the start}. */
  private List<long[]> run(long[] due, int maxPerTick, Promise<Integer> firstTick) {
    Workload workload = new Workload(Collections.nCopies(due.length, PlaceOrderRequest.getDefaultInstance()), due,
        due[due.length - 1]);
    List<long[]> sent = Collections.synchronizedList(new ArrayList<>());
    Promise<Void> all = Promise.promise();
    vertx.runOnContext(start -> {
      long startNanos = System.nanoTime();
      OpenLoopSender[] sender = new OpenLoopSender[1];
      sender[0] = new OpenLoopSender(vertx, workload, maxPerTick, index -> {
        sent.add(new long[] {index, System.nanoTime() - startNanos});
        if (index == due.length - 1) {
          sender[0].stop();
          all.complete();
        }
      });
      sender[0].start(startNanos);
      firstTick.tryComplete(sender[0].sent());
    });
    Blocking.await(all.future().timeout(20, TimeUnit.SECONDS));
    return sent;
  }
}
