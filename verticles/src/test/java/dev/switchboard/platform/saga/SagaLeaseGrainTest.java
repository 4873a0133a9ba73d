package dev.switchboard.platform.saga;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a saga's lease ends ({@link SagaStore#leaseUntil}): no store needed for the arithmetic. */
@DisplayName("Saga lease grain")
class SagaLeaseGrainTest {

  private static long leaseUntil(long leaseMs, long nowMs) {
    return new SagaStore(null, "instance", leaseMs).leaseUntil(nowMs);
  }

  @Test
  @DisplayName("a lease ends at least saga.stallAfterMs after its step, at most one grain later, on a multiple of the grain")
  void endsOnAGrainNeverEarly() {
    long start = 1_700_000_000_000L + 123;
    for (long at = start; at < start + 5_000; at += 37) {
      long until = leaseUntil(60_000, at);
      assertThat(until).as("lease of a step at %d", at)
          .isGreaterThanOrEqualTo(at + 60_000).isLessThan(at + 60_000 + 1_000);
      assertThat(until % 1_000).as("a whole second: the grain of a lease of a minute").isZero();
    }
    assertThat(leaseUntil(200, start)).as("grain 20 ms for 200 ms").isBetween(start + 200, start + 219);
    assertThat(leaseUntil(200, start) % 20).isZero();
    assertThat(leaseUntil(5, start)).as("grain 1 ms: exact").isEqualTo(start + 5);
  }

  @Test
  @DisplayName("steps within one grain share the lease's end; the next grain moves it")
  void stepsWithinAGrainShareTheEnd() {
    long grainStart = 1_700_000_000_000L;
    assertThat(leaseUntil(15_000, grainStart + 1)).isEqualTo(leaseUntil(15_000, grainStart + 1_000))
        .isEqualTo(grainStart + 1_000 + 15_000);
    assertThat(leaseUntil(15_000, grainStart + 1_001)).isEqualTo(grainStart + 2_000 + 15_000);
  }
}
