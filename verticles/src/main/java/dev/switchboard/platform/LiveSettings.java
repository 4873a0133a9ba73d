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
 * path ({@code fallbackTransport}, or the transport it was configured with in event mode).
 */
public final class LiveSettings {

  private final PlatformConfig config;
  private final Map<String, OperationSettings> current = new ConcurrentHashMap<>();

  LiveSettings(PlatformConfig config) {
    this.config = config;
    current.putAll(config.operations());
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
   * the one it would take — in event mode its event path, in rpc mode the rpc transport it was
   * configured with, else the event bus). Refused, naming {@code mode} or {@code transport} and what
   * is allowed, when no process would be listening there.
   */
  public OperationSettings wouldFlip(String operation, Mode mode, Transport transport) {
    OperationSettings now = get(operation);
    OperationSettings configured = config.operation(operation);
    if (mode == Mode.EVENT) {
      Transport chosen = transport == null ? now.eventTransport() : transport;
      if (chosen == Transport.GRPC) {
        throw new ConfigException("transport", "grpc", "grpc carries rpc mode only; in event mode local"
            + (now.eventTransport() == Transport.KAFKA ? " or kafka" : ""));
      }
      if (chosen == Transport.KAFKA && now.eventTransport() != Transport.KAFKA) {
        throw new ConfigException("transport", "kafka", "local: " + operation + " is consumed on kafka only when"
            + " configured so at start-up (operations." + operation + ".fallbackTransport: kafka, or mode event"
            + " with transport kafka), so that every process serving it listens there");
      }
      return now.flipped(Mode.EVENT, chosen);
    }
    Transport rpcConfigured = configured.transport() == Transport.KAFKA ? Transport.LOCAL : configured.transport();
    Transport chosen = transport == null ? rpcConfigured : transport;
    if (chosen == Transport.KAFKA) {
      throw new ConfigException("transport", "kafka", "kafka carries event mode only; in rpc mode local"
          + (configured.targets().isEmpty() ? "" : " or grpc"));
    }
    if (chosen == Transport.GRPC && (configured.targets().isEmpty() || !config.internal().enabled())) {
      throw new ConfigException("transport", "grpc", "local: grpc needs operations." + operation
          + ".target and internal.token set at start-up");
    }
    return now.flipped(Mode.RPC, chosen);
  }

  /** Flips the operation as {@link #wouldFlip} describes; returns the settings before. */
  public synchronized OperationSettings flip(OperationSettings after) {
    return current.put(after.operation(), after);
  }
}
