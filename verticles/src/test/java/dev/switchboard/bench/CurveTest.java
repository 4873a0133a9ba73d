package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A plot's line")
class CurveTest {

  @Test
  @DisplayName("keeps its points in x order, as a rate search that went up and down would not: a rate run twice keeps both runs, in the order run")
  void pointsInXOrder() {
    // the steps of a search as run: up until a rate falls, that rate again, then bisecting below it
    List<Curve.Point> asRun = List.of(new Curve.Point(800, 800), new Curve.Point(1600, 1_200),
        new Curve.Point(1600, 1_450), new Curve.Point(1200, 1_200), new Curve.Point(1400, 1_390));

    Curve curve = new Curve("checkout-throughput", "all-rpc, H2 in memory", "offered rate (orders/s)",
        "terminal throughput (orders/s)", asRun);

    assertThat(curve.points()).containsExactly(new Curve.Point(800, 800), new Curve.Point(1200, 1_200),
        new Curve.Point(1400, 1_390), new Curve.Point(1600, 1_200), new Curve.Point(1600, 1_450));
  }
}
