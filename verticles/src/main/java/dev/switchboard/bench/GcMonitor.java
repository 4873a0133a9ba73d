package dev.switchboard.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every garbage collection of this JVM while it listens, from the collectors' own notifications
 * ({@link GarbageCollectionNotificationInfo}): when, which collector, why, how long, and the heap in
 * use after it (the heap pools' usage after the collection, summed). A collection of a collector whose
 * name ends in "Cycles" (ZGC, Shenandoah) runs concurrently and is no pause; every other one (G1
 * young and mixed, full, remark and cleanup; serial; parallel) stops the application for its duration.
 */
final class GcMonitor implements AutoCloseable {

  /** The cause the JVM gives a collection {@link System#gc()} asked for. */
  static final String FORCED_CAUSE = "System.gc()";

  /**
   * One collection.
   *
   * @param atNanos        {@link System#nanoTime()} when its notification arrived
   * @param durationMillis how long it took
   * @param pause          whether the application was stopped for its duration
   * @param heapAfterBytes the heap in use just after it
   */
  record Collection(long atNanos, String collector, String cause, long durationMillis, boolean pause,
                    long heapAfterBytes) {

    boolean forced() {
      return FORCED_CAUSE.equals(cause);
    }
  }

  private final List<Collection> collections = new ArrayList<>();
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  private GcMonitor() {
  }

  static GcMonitor start() {
    GcMonitor monitor = new GcMonitor();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(monitor.listener, null, null);
        monitor.emitters.add(emitter);
      }
    }
    return monitor;
  }

  /** The collectors of this JVM, e.g. {@code G1 Young Generation, G1 Old Generation}. */
  static String collectors() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
        .collect(Collectors.joining(", "));
  }

  private void collected(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
        (CompositeData) notification.getUserData());
    long heapAfter = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        heapAfter += pool.getValue().getUsed();
      }
    }
    Collection collection = new Collection(System.nanoTime(), info.getGcName(), info.getGcCause(),
        info.getGcInfo().getDuration(), !info.getGcName().endsWith("Cycles"), heapAfter);
    synchronized (collections) {
      collections.add(collection);
      collections.notifyAll();
    }
  }

  /** The collections whose notification arrived from {@code fromNanos} to {@code toNanos}. */
  List<Collection> between(long fromNanos, long toNanos) {
    synchronized (collections) {
      return collections.stream().filter(gc -> gc.atNanos() >= fromNanos && gc.atNanos() <= toNanos).toList();
    }
  }

  /**
   * A full collection now ({@link System#gc()}): the heap in use after it is the live heap. Returns
   * that figure from the collection's own notification, or, when none comes within a few seconds
   * (explicit collections disabled), the heap in use now.
   */
  long liveHeapBytes() throws InterruptedException {
    long asked = System.nanoTime();
    System.gc();
    long deadline = System.nanoTime() + 5_000_000_000L;
    synchronized (collections) {
      while (true) {
        for (int i = collections.size() - 1; i >= 0 && collections.get(i).atNanos() >= asked; i--) {
          Collection collection = collections.get(i);
          if (collection.forced()) {
            return collection.heapAfterBytes();
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        collections.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
