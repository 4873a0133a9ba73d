package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("What an order cost: the processes the bench started")
class OrderCostTest {

  @Test
  @DisplayName("the CPU a child process uses between two readings is counted; one gone by the second is not")
  void countsChildProcesses() throws Exception {
    Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
    try {
      Map<Long, Long> before = OrderCost.helperCpuNanos();
      Thread.sleep(300);
      Map<Long, Long> after = OrderCost.helperCpuNanos();

      assertThat(after).containsKey(busy.pid());
      assertThat(OrderCost.helpersCpuSince(before, after)).as("a busy loop's CPU time").isPositive();
      assertThat(OrderCost.helpersCpuSince(after, Map.of())).as("nothing left at the second reading").isZero();
    } finally {
      busy.destroyForcibly().waitFor();
    }
  }
}
