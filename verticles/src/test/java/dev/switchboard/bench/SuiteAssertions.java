package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

/** What a test may ask of a suite's result: that it measured something on both sides, never how fast. */
final class SuiteAssertions {

  private SuiteAssertions() {
  }

  static void measuredBothSides(SuiteResult result, String suite) {
    assertThat(result.suite()).isEqualTo(suite);
    assertThat(result.comparisons()).isNotEmpty();
    for (Comparison comparison : result.comparisons()) {
      assertThat(comparison.switchboardValue()).as("%s: switchboard", comparison.measure()).isPositive();
      assertThat(comparison.baselineValue()).as("%s: baseline", comparison.measure()).isPositive();
    }
    assertThat(result.curves()).allSatisfy(curve -> assertThat(curve.points()).isNotEmpty());
    assertThat(result.notes()).isNotEmpty();
  }
}
