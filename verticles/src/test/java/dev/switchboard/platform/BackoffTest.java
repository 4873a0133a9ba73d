package dev.switchboard.platform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Backoff")
class BackoffTest {

  @Test
  @DisplayName("doubles per earlier attempt, capped")
  void doubles() {
    assertThat(Backoff.delayMs(100, 0, 10_000)).isEqualTo(100);
    assertThat(Backoff.delayMs(100, 3, 10_000)).isEqualTo(800);
    assertThat(Backoff.delayMs(100, 20, 10_000)).isEqualTo(10_000);
    assertThat(Backoff.delayMs(100, -1, 10_000)).isEqualTo(100);
  }

  @Test
  @DisplayName("equal jitter: between half the delay and all of it, and spread, so callers failing together come back apart")
  void jitter() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      long delay = Backoff.equalJitter(1_000);
      assertThat(delay).isBetween(500L, 1_000L);
      seen.add(delay);
    }
    assertThat(seen).as("distinct delays out of 1,000 draws").hasSizeGreaterThan(100);
    assertThat(Backoff.equalJitter(0)).isZero();
  }
}
