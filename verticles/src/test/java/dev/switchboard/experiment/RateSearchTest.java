package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The search {@code load --find-max} runs, against targets that keep up with any rate up to a capacity. */
@DisplayName("load --find-max's rate search")
class RateSearchTest {

  private final List<Integer> tried = new ArrayList<>();

  private RateSearch.Outcome search(int start, int ceiling, int capacity) {
    return new RateSearch(start, ceiling, (rate, step) -> {
      tried.add(rate);
      assertThat(step).isEqualTo(tried.size());
      return Future.succeededFuture(result(rate, rate <= capacity));
    }).search().result();
  }

  /** A one-second run at {@code rate}: every order ended within it at 1 ms, or none ended. */
  private static LoadResult result(int rate, boolean keptUp) {
    LoadTally tally = new LoadTally("all");
    Order confirmed = Order.newBuilder().setStatus(OrderStatus.ORDER_STATUS_CONFIRMED).build();
    for (int i = 0; i < rate; i++) {
      tally.sent(true);
      if (keptUp) {
        tally.answered(false);
        tally.ended(confirmed, true, 1_000, true);
      }
    }
    return new LoadResult(rate, 1, 0, 0, tally, List.of(tally), keptUp ? 0 : rate, 0, null);
  }

  @Test
  @DisplayName("doubles while the runs keep up, then bisects until the bounds are within 5%")
  void doublesThenBisects() {
    RateSearch.Outcome outcome = search(100, 100_000, 300);

    assertThat(tried).as("a rate that falls is run once more").containsExactly(100, 200, 400, 400, 300, 350, 350,
        325, 325, 312, 312);
    assertThat(outcome.highest()).isEqualTo(300);
    assertThat(outcome.capped()).isFalse();
    assertThat(outcome.steps()).extracting(LoadResult::rate).containsExactlyElementsOf(tried);
  }

  @Test
  @DisplayName("stops at the ceiling while still keeping up, and says the targets may sustain more")
  void ceiling() {
    RateSearch.Outcome outcome = search(100, 500, Integer.MAX_VALUE);

    assertThat(tried).containsExactly(100, 200, 400, 500);
    assertThat(outcome.highest()).isEqualTo(500);
    assertThat(outcome.capped()).isTrue();
  }

  @Test
  @DisplayName("a first rate that does not keep up: halves down to one order a second, and reports none sustained")
  void noneSustained() {
    RateSearch.Outcome outcome = search(100, 100_000, 0);

    assertThat(tried).containsExactly(100, 100, 50, 50, 25, 25, 12, 12, 6, 6, 3, 3, 1, 1);
    assertThat(outcome.highest()).isZero();
    assertThat(outcome.capped()).isFalse();
  }

  @Test
  @DisplayName("a rate whose first run falls and second keeps up counts as kept up: one bad run does not send the search low")
  void secondRunDecides() {
    java.util.Set<Integer> fellOnce = new java.util.HashSet<>();
    RateSearch.Outcome outcome = new RateSearch(200, 1_000, (rate, step) -> {
      tried.add(rate);
      boolean hiccup = rate == 200 && fellOnce.add(rate);
      return Future.succeededFuture(result(rate, !hiccup));
    }).search().result();

    assertThat(tried).containsExactly(200, 200, 400, 800, 1_000);
    assertThat(outcome.highest()).isEqualTo(1_000);
    assertThat(outcome.steps()).extracting(LoadResult::keptUp).containsExactly(false, true, true, true, true);
  }

  @Test
  @DisplayName("a run keeps up only with its throughput, its p99 and its backlog all within bounds")
  void keptUp() {
    assertThat(result(100, true).shortfalls()).isEmpty();
    assertThat(result(100, false).shortfalls()).containsExactly(
        "terminal throughput 0.0/s is below 95% of the offered 100/s", "no measured order ended",
        "the backlog grew by 100 orders over the measured window");

    LoadTally slow = new LoadTally("all");
    Order confirmed = Order.newBuilder().setStatus(OrderStatus.ORDER_STATUS_CONFIRMED).build();
    for (int i = 0; i < 100; i++) {
      slow.sent(true);
      slow.answered(false);
      slow.ended(confirmed, true, 1_500_000, true);
    }
    assertThat(new LoadResult(100, 1, 0, 0, slow, List.of(slow), 0, 0, null).shortfalls())
        .singleElement().asString().startsWith("p99 1500").endsWith(" ms is not under 1000 ms");
  }
}
