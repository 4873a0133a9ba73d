package dev.switchboard.experiment;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The process's CPU and heap use, sampled by whoever calls {@link #sample()} (once a second). */
final class ProcessSampler {

  /** CPU use since the previous sample (100 = one core busy) and heap in use now. */
  record Sample(double cpuPercent, double heapMb) {
  }

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean ? bean : null;
  private long startCpu;
  private long startWall;
  private long lastCpu;
  private long lastWall;
  private double maxHeapMb;

  void start() {
    startCpu = lastCpu = cpuNanos();
    startWall = lastWall = System.nanoTime();
  }

  Sample sample() {
    long cpu = cpuNanos();
    long wall = System.nanoTime();
    double percent = wall == lastWall || cpu < 0 ? Double.NaN : 100.0 * (cpu - lastCpu) / (wall - lastWall);
    lastCpu = cpu;
    lastWall = wall;
    double heap = memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    maxHeapMb = Math.max(maxHeapMb, heap);
    return new Sample(Math.round(percent * 10) / 10.0, Math.round(heap * 10) / 10.0);
  }

  double averageCpuPercent() {
    long wall = lastWall - startWall;
    return wall <= 0 || os == null ? Double.NaN : Math.round(1000.0 * (lastCpu - startCpu) / wall) / 10.0;
  }

  double maxHeapMb() {
    return maxHeapMb;
  }

  private long cpuNanos() {
    return os == null ? -1 : os.getProcessCpuTime();
  }
}
