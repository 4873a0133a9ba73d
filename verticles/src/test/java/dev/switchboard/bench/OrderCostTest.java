package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("What an order cost: the processes the bench started")
class OrderCostTest {

  @Test
  @DisplayName("the CPU a child process uses between two readings is counted; one gone by the second is not")
  void countsChildProcesses() throws Exception {
    Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
    try {
      Map<String, Long> before = OrderCost.helperCpuNanos(List.of());
      Thread.sleep(300);
      Map<String, Long> after = OrderCost.helperCpuNanos(List.of());

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
      Thread.sleep(300);
      Map<String, Long> after = OrderCost.helperCpuNanos(List.of(server));

      assertThat(after.keySet()).anyMatch(key -> key.startsWith(pid + "@"));
      assertThat(OrderCost.helpersCpuSince(before, after)).as("the detached loop's CPU time").isPositive();
    } finally {
      server.destroyForcibly();
    }
  }
}
