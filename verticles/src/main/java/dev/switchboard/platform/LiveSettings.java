package dev.switchboard.platform;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operations' settings as they are now: the configuration's, as flipped since. Everything that
 * decides how a message travels reads them here at the moment it decides, so a {@link #flip} takes
 * effect at the next invocation while the ones in flight finish the way they started.
 * <p>
 * A flip changes how this process <em>calls</em>; every process serves each operation on both
 * paths (rpc, and commands on the event bus and on its event path), so callers and callees may
 * disagree during a flip without stranding a message. That is also why an operation can be flipped
 * to event mode only on a transport its servers consume: the event bus, or its configured event
 * path ({@code fallbackTransport}, or the transport it was configured with in event mode) — and on
 * the event bus only where that reaches the processes serving it (see {@link #requireReachable}).
 */
public final class LiveSettings {

  private final PlatformConfig config;
  private final boolean busClustered;
  private final Map<String, OperationSettings> current = new ConcurrentHashMap<>();

  /**
   * @param busClustered whether this process's event bus reaches other processes: where it does not,
   *                     commands sent on it reach only the operations served here
   */
  LiveSettings(PlatformConfig config, boolean busClustered) {
    this.config = config;
    this.busClustered = busClustered;
    current.putAll(config.operations());
  }

  /**
   * Refuses an event path on the event bus for an operation served in another process (its rpc
   * transport is grpc) while the event bus is not clustered: its commands would reach no consumer.
   * Used at start-up for {@code fallbackTransport} and for every flip.
   *
   * @throws ConfigException naming the key, the value and what is allowed
   */
  static void requireReachable(OperationSettings settings, Transport eventTransport, boolean busClustered,
                               String key) {
    if (eventTransport == Transport.LOCAL && settings.transport() == Transport.GRPC && !busClustered) {
      String name = settings.operation();
      throw new ConfigException(key, "local", "kafka (" + OperationSettings.PREFIX + "." + name
          + ".fallbackTransport: kafka at start-up, with kafka.bootstrap.servers) or a clustered event bus"
          + " (cluster.enabled): " + name + " is served in another process, reached over grpc, and this process's"
          + " event bus is not clustered, so no consumer would take its commands");
    }
  }

  /** The operation's settings now. */
  public OperationSettings get(String operation) {
    OperationSettings found = current.get(operation);
    if (found == null) {
      throw new IllegalArgumentException("operation " + operation + " is not declared");
    }
    return found;
  }

  /** Every operation's settings now, by name. */
  public List<OperationSettings> all() {
    return current.values().stream().sorted(java.util.Comparator.comparing(OperationSettings::operation)).toList();
  }

  public boolean knows(String operation) {
    return current.containsKey(operation);
  }

  /**
   * The settings {@code operation} would have flipped to {@code mode} on {@code transport} (null:
   * the one it would take), by the rule of {@link PlatformConfig#flipped}: refused, naming the key and
   * what is allowed, when no process would be listening there. Judged against the start-up
   * configuration, since that is what every process serving the operation consumes.
   */
  public OperationSettings wouldFlip(String operation, Mode mode, Transport transport) {
    get(operation);
    OperationSettings after = config.flipped(operation, mode, transport);
    if (after.mode() == Mode.EVENT) {
      requireReachable(config.operation(operation), after.transport(), busClustered,
          OperationSettings.PREFIX + "." + operation + ".transport");
    }
    return after;
  }

  /**
   * The configuration as it is now: the start-up one with every operation flipped since in place
   * (its mode and transport counting as set), for checking what a further flip would leave.
   */
  public PlatformConfig current() {
    PlatformConfig now = config;
    for (OperationSettings settings : current.values()) {
      if (!settings.equals(config.operation(settings.operation()))) {
        String base = OperationSettings.PREFIX + "." + settings.operation() + ".";
        now = now.withOperation(settings, java.util.Set.of(base + "mode", base + "transport"));
      }
    }
    return now;
  }

  /** Flips the operation as {@link #wouldFlip} describes; returns the settings before. */
  public synchronized OperationSettings flip(OperationSettings after) {
    return current.put(after.operation(), after);
  }
}
