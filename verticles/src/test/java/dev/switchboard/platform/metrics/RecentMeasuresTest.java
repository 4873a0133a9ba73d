package dev.switchboard.platform.metrics;

import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.metrics.RecentMeasures.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Recent rates and latencies over one-second intervals, on a clock the test moves: each operation's
 * calls and handling by mode, rates over the time the window covers, percentiles over the intervals
 * still in it.
 */
@DisplayName("Recent rates and latencies")
class RecentMeasuresTest {

  private static final String CHARGE = "payment.charge";
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final RecentMeasures recent = new RecentMeasures(3, clock::get);

  private void second() {
    clock.addAndGet(SECOND);
    recent.rotate();
  }

  private static long millis(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  @DisplayName("after a second of calls: the rate, the failed rate, the median and the 99th percentile")
  void oneSecond() {
    for (int ms = 1; ms <= 100; ms++) {
      recent.record(Kind.CALLS, CHARGE, "rpc", ms % 10 == 0, millis(ms));
    }
    second();

    Recent calls = recent.recent(Kind.CALLS, CHARGE, Mode.RPC);
    assertThat(calls.count()).isEqualTo(100);
    assertThat(calls.perSecond()).isEqualTo(100.0);
    assertThat(calls.failedPerSecond()).isEqualTo(10.0);
    assertThat(calls.p50Ms()).isCloseTo(50.0, within(0.5));
    assertThat(calls.p99Ms()).isCloseTo(99.0, within(1.0));
  }

  @Test
  @DisplayName("nothing is published before the first rotation, and an operation never called measures nothing")
  void beforeRotation() {
    recent.record(Kind.CALLS, CHARGE, "rpc", false, millis(5));

    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC)).isEqualTo(Recent.NONE);
    assertThat(recent.recent(Kind.CALLS, "orders.place", Mode.RPC)).isEqualTo(Recent.NONE);
  }

  @Test
  @DisplayName("rpc and event are measured apart, and so are calls and handling")
  void byModeAndKind() {
    recent.record(Kind.CALLS, CHARGE, "rpc", false, millis(40));
    recent.record(Kind.CALLS, CHARGE, "event", false, millis(2));
    recent.record(Kind.CALLS, CHARGE, "event", true, millis(2));
    recent.record(Kind.HANDLED, CHARGE, "event", false, millis(7));
    second();

    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC).count()).isEqualTo(1);
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC).p99Ms()).isCloseTo(40.0, within(0.5));
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.EVENT).count()).isEqualTo(2);
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.EVENT).failedPerSecond()).isEqualTo(1.0);
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.EVENT).p99Ms()).isCloseTo(2.0, within(0.05));
    assertThat(recent.recent(Kind.HANDLED, CHARGE, Mode.EVENT).p50Ms()).isCloseTo(7.0, within(0.1));
    assertThat(recent.recent(Kind.HANDLED, CHARGE, Mode.RPC)).isEqualTo(Recent.NONE);
  }

  @Test
  @DisplayName("the rate is over the time the window covers: 10 then 30 calls in two seconds are 20 a second")
  void rateOverCoveredTime() {
    for (int i = 0; i < 10; i++) {
      recent.record(Kind.CALLS, CHARGE, "rpc", false, millis(1));
    }
    second();
    for (int i = 0; i < 30; i++) {
      recent.record(Kind.CALLS, CHARGE, "rpc", false, millis(1));
    }
    second();

    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC).perSecond()).isEqualTo(20.0);
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC).count()).isEqualTo(40);
  }

  @Test
  @DisplayName("a second older than the window leaves it: slow calls stop counting, and an idle operation falls to zero")
  void oldSecondsLeave() {
    recent.record(Kind.CALLS, CHARGE, "rpc", true, millis(900));
    second();
    for (int i = 0; i < 3; i++) {
      recent.record(Kind.CALLS, CHARGE, "rpc", false, millis(3));
      second();
    }

    Recent calls = recent.recent(Kind.CALLS, CHARGE, Mode.RPC);
    assertThat(calls.count()).isEqualTo(3);
    assertThat(calls.failedPerSecond()).isZero();
    assertThat(calls.p99Ms()).isCloseTo(3.0, within(0.05));

    for (int i = 0; i < 3; i++) {
      second();
    }
    assertThat(recent.recent(Kind.CALLS, CHARGE, Mode.RPC)).isEqualTo(Recent.NONE);
  }

  @Test
  @DisplayName("a latency longer than an hour counts as an hour, and one under a microsecond as a microsecond")
  void clamped() {
    recent.record(Kind.CALLS, CHARGE, "rpc", false, TimeUnit.HOURS.toNanos(5));
    recent.record(Kind.CALLS, CHARGE, "rpc", false, 0);
    second();

    Recent calls = recent.recent(Kind.CALLS, CHARGE, Mode.RPC);
    assertThat(calls.count()).isEqualTo(2);
    assertThat(calls.p99Ms()).isCloseTo(3_600_000.0, within(36_000.0));
    assertThat(calls.p50Ms()).isCloseTo(0.001, within(0.0001));
  }

  @Nested
  @DisplayName("fed by SwitchboardMetrics")
  class FedByMetrics {

    private final SwitchboardMetrics metrics = new SwitchboardMetrics(new SimpleMeterRegistry());

    @Test
    @DisplayName("a call completed or accepted is ok, any other outcome failed")
    void callOutcomes() {
      metrics.recordCall(CHARGE, "rpc", "local", "completed", millis(1));
      metrics.recordCall(CHARGE, "rpc", "local", "UNAVAILABLE", millis(1));
      metrics.recordCall(CHARGE, "event", "kafka", "accepted", millis(1));
      metrics.recent().rotate();

      Recent rpc = metrics.recent().recent(Kind.CALLS, CHARGE, Mode.RPC);
      Recent event = metrics.recent().recent(Kind.CALLS, CHARGE, Mode.EVENT);
      assertThat(rpc.count()).isEqualTo(2);
      assertThat(rpc.failedPerSecond()).isEqualTo(rpc.perSecond() / 2);
      assertThat(event.count()).isEqualTo(1);
      assertThat(event.failedPerSecond()).isZero();
    }

    @Test
    @DisplayName("a handled duplicate is left out: its handler did not run")
    void duplicatesLeftOut() {
      metrics.recordHandled(CHARGE, "event", "local", "ok", millis(4));
      metrics.recordHandled(CHARGE, "event", "local", "duplicate", 0);
      metrics.recordHandled(CHARGE, "event", "local", "INTERNAL", millis(4));
      metrics.recent().rotate();

      Recent handled = metrics.recent().recent(Kind.HANDLED, CHARGE, Mode.EVENT);
      assertThat(handled.count()).isEqualTo(2);
      assertThat(handled.failedPerSecond()).isEqualTo(handled.perSecond() / 2);
      assertThat(handled.p50Ms()).isCloseTo(4.0, within(0.05));
    }
  }
}
