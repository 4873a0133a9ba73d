package dev.switchboard.bench;

import dev.switchboard.experiment.LoadResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkout and soak suites of {@code bench}, run for real at their smallest: they complete, measure
 * something, and every order they place ends terminal. No figure is judged: benchmarks report.
 */
@DisplayName("bench checkout and soak")
class CheckoutSoakSuitesTest {

  @Test
  @DisplayName("checkout --quick on one variant and one store: two rates, every order terminal, a table row each")
  void checkoutQuick(@TempDir Path out) {
    CheckoutSuite suite = new CheckoutSuite(Map.of("variants", "all-rpc", "stores", "memory"));
    CheckoutSuite.Run run = suite.measure(new BenchContext(true, out, line -> { }));

    assertThat(run.pairs()).singleElement().satisfies(measured -> {
      assertThat(measured.pair()).isEqualTo(new CheckoutSuite.Pair("all-rpc", CheckoutStore.MEMORY));
      assertThat(measured.outcome().steps()).extracting(LoadResult::rate).containsExactly(25, 50);
      for (LoadResult step : measured.outcome().runs()) {
        assertThat(step.total().sent()).isPositive();
        assertThat(step.total().ended()).isEqualTo(step.total().sent());
        assertThat(step.total().notEnded()).isZero();
        assertThat(step.total().failedCalls()).isZero();
        assertThat(step.total().latencyMillis(99)).isPositive();
      }
    });
    SuiteResult result = CheckoutReport.result("checkout", run);
    assertThat(result.comparisons()).extracting(Comparison::measure).containsExactly("saturation", "p99 at half rate");
    assertThat(result.curves()).extracting(Curve::plot).containsExactly("checkout-throughput", "checkout-p99");
    assertThat(result.curves().get(0).points()).hasSize(2);
    assertThat(out.resolve("checkout/all-rpc-memory.json")).isRegularFile();
  }

  @Test
  @DisplayName("soak --quick for a few seconds at a given rate: live heap sampled, GC reported, every order terminal")
  void soakQuick(@TempDir Path out) throws Exception {
    SoakSuite suite = new SoakSuite(Map.of("minutes", "0.1", "rate", "50"));
    SoakSuite.Soak soak = suite.soak(new BenchContext(true, out, line -> { }));

    assertThat(soak.variant()).isEqualTo("all-rpc");
    assertThat(soak.store()).isEqualTo(CheckoutStore.H2_FILE);
    assertThat(soak.orders()).isPositive().isEqualTo(soak.sent());
    assertThat(soak.notEnded()).isZero();
    assertThat(soak.failedCalls()).isZero();
    assertThat(soak.segments()).hasSize(2);
    assertThat(soak.live()).hasSize(3).allSatisfy(sample -> assertThat(sample.liveBytes()).isPositive());
    assertThat(soak.segments()).allSatisfy(segment -> {
      assertThat(segment.cost().orders()).isPositive();
      assertThat(segment.cost().cpuMs()).isPositive();
      assertThat(segment.cost().storeWriterMs()).isPositive();
      assertThat(segment.cost().transactions()).isPositive();
    });
    SuiteResult result = SoakReport.result("soak", soak);
    assertThat(result.comparisons()).extracting(Comparison::measure).contains("live heap after GC",
        "heap growth per order", "GC pauses, total", "orders terminal", "CPU per order", "store writer CPU per order");
    assertThat(result.notes()).anyMatch(note -> note.startsWith("what an order cost, segment by segment: "));
    assertThat(result.curves()).extracting(Curve::plot).contains("soak-heap", "soak-throughput");
    assertThat(result.notes()).anyMatch(note -> note.startsWith("every order ended terminal"));
  }

  @Test
  @DisplayName("quick pairs every variant and every store at least once; a full run every variant on every store")
  void pairs() {
    List<String> variants = List.of("all-rpc", "all-event", "hybrid", "all-kafka");
    List<CheckoutStore> stores = List.of(CheckoutStore.MEMORY, CheckoutStore.H2_FILE, CheckoutStore.POSTGRES);

    assertThat(CheckoutSuite.pairs(variants, stores, true)).containsExactly(
        new CheckoutSuite.Pair("all-rpc", CheckoutStore.MEMORY), new CheckoutSuite.Pair("all-event", CheckoutStore.H2_FILE),
        new CheckoutSuite.Pair("hybrid", CheckoutStore.POSTGRES), new CheckoutSuite.Pair("all-kafka", CheckoutStore.MEMORY));
    assertThat(CheckoutSuite.pairs(variants, stores, false)).hasSize(12);
  }

  @Test
  @DisplayName("an unknown variant, store or a bad number is refused naming the option, the value and what is allowed")
  void badOptions(@TempDir Path out) {
    BenchContext context = new BenchContext(true, out, line -> { });
    assertThatThrownBy(() -> new CheckoutSuite(Map.of("variants", "all-rpc,nope")).measure(context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--variants = 'all-rpc,nope'").hasMessageContaining("'nope' is unknown")
        .hasMessageContaining("all-event");
    assertThatThrownBy(() -> new CheckoutSuite(Map.of("stores", "mysql")).measure(context))
        .hasMessageContaining("--stores = 'mysql'").hasMessageContaining("memory, h2-file, postgres");
    assertThatThrownBy(() -> new SoakSuite(Map.of("minutes", "-1")).soak(context))
        .hasMessageContaining("--minutes = '-1'");
    assertThatThrownBy(() -> new SoakSuite(Map.of("rate", "fast")).soak(context))
        .hasMessageContaining("--rate = 'fast'");
  }

  @Test
  @DisplayName("the least-squares slope of points on a line is the line's slope")
  void slope() {
    assertThat(Trend.slope(List.of(new double[] {0, 1}, new double[] {1, 3}, new double[] {2, 5}))).isEqualTo(2.0);
    assertThat(Trend.slope(List.of(new double[] {1, 1}))).isNaN();
  }
}
