package dev.switchboard.bench;

import dev.switchboard.testing.Eventually;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("What an order cost: the processes the bench started")
class OrderCostTest {

  @Test
  @DisplayName("the CPU a child process uses between two readings is counted; one gone by the second is not")
  void countsChildProcesses() throws Exception {
    Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
    try {
      Map<String, Long> before = OrderCost.helperCpuNanos(List.of());
      Map<String, Long> after = readingAfterUse(before, List.of());

      assertThat(after.keySet()).anyMatch(key -> key.startsWith(busy.pid() + "@"));
      assertThat(OrderCost.helpersCpuSince(before, after)).as("a busy loop's CPU time").isPositive();
      Map<String, Long> gone = new HashMap<>(after);
      gone.keySet().removeIf(key -> key.startsWith(busy.pid() + "@"));
      assertThat(OrderCost.helpersCpuSince(before, gone)).as("the busy loop gone by the second reading")
          .isLessThan(OrderCost.helpersCpuSince(before, after));
    } finally {
      busy.destroyForcibly().waitFor();
    }
  }

  @Test
  @DisplayName("a server that detached from the JVM (as pg_ctl's does) is counted when named")
  void countsADetachedServer() throws Exception {
    Process starter = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!").start();
    long pid;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(starter.getInputStream(), StandardCharsets.UTF_8))) {
      pid = Long.parseLong(out.readLine().trim());
    }
    starter.waitFor();
    ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
    try {
      assertThat(ProcessHandle.current().descendants()).as("detached").noneMatch(process -> process.pid() == pid);
      Map<String, Long> before = OrderCost.helperCpuNanos(List.of(server));
      Map<String, Long> after = readingAfterUse(before, List.of(server));

      assertThat(after.keySet()).anyMatch(key -> key.startsWith(pid + "@"));
      assertThat(OrderCost.helpersCpuSince(before, after)).as("the detached loop's CPU time").isPositive();
    } finally {
      server.destroyForcibly();
    }
  }

  /** The first reading, polled with a deadline, in which the processes used CPU since {@code before}. */
  private static Map<String, Long> readingAfterUse(Map<String, Long> before, List<ProcessHandle> servers) {
    AtomicReference<Map<String, Long>> reading = new AtomicReference<>();
    Eventually.holds("the processes used CPU since the first reading", Duration.ofSeconds(10), () -> {
      reading.set(OrderCost.helperCpuNanos(servers));
      return OrderCost.helpersCpuSince(before, reading.get()) > 0;
    });
    return reading.get();
  }
}
