package dev.switchboard.platform.check;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.InternalSettings;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A change of one operation's mode, and optionally its transport, and the configuration it would
 * leave. Without a transport the operation keeps the one its configuration sets (or an earlier flip
 * chose) if that carries the new mode, else takes the default transport if that does, else
 * {@code local}: what {@code operations.<op>.mode} set in the file would give.
 *
 * @param operation the operation to flip
 * @param mode      its new mode
 * @param transport its new transport; empty to keep or derive it as above
 */
public record Flip(String operation, Mode mode, Optional<Transport> transport) {

  public Flip {
    Objects.requireNonNull(operation);
    Objects.requireNonNull(mode);
    Objects.requireNonNull(transport);
  }

  public static Flip to(String operation, Mode mode) {
    return new Flip(operation, mode, Optional.empty());
  }

  public static Flip to(String operation, Mode mode, Transport transport) {
    return new Flip(operation, mode, Optional.of(transport));
  }

  /**
   * {@code current} as it would be after the flip.
   *
   * @throws IllegalArgumentException when the operation is not declared
   * @throws ConfigException when the flip would make an invalid configuration (a transport that does
   *                         not carry the mode, grpc without a target or a token, kafka without a broker),
   *                         naming the key, the value and what is allowed
   */
  public PlatformConfig applyTo(PlatformConfig current) {
    OperationSettings settings = current.operation(operation);
    String transportKey = OperationKeys.key(operation, "transport");
    boolean ownTransport = current.sets(transportKey) && carries(settings.transport(), mode);
    Transport chosen = transport.orElseGet(() -> ownTransport ? settings.transport()
        : carries(current.defaultTransport(), mode) ? current.defaultTransport() : Transport.LOCAL);
    if (!carries(chosen, mode)) {
      throw new ConfigException(transportKey, chosen.spelling(), chosen.spelling() + " carries "
          + (chosen == Transport.GRPC ? "rpc" : "event") + " mode only; " + operation + " would be in mode "
          + mode.spelling() + " (use transport local, or mode " + (chosen == Transport.GRPC ? "rpc" : "event") + ")");
    }
    if (chosen == Transport.GRPC && settings.targets().isEmpty()) {
      throw new ConfigException(OperationKeys.key(operation, "target"), "", "transport grpc needs the address of"
          + " the process serving " + operation + ": host:port, or several separated by commas");
    }
    if (chosen == Transport.GRPC && !current.internal().enabled()) {
      throw new ConfigException(InternalSettings.TOKEN, "", "required: transport grpc carries the token to the"
          + " other process's internal listener");
    }
    if (chosen == Transport.KAFKA && current.kafka().bootstrapServers().isBlank()) {
      throw new ConfigException("kafka.bootstrap.servers", "", "transport kafka for " + operation
          + " needs the broker addresses, such as 127.0.0.1:9092");
    }
    Set<String> changed = transport.isPresent() || chosen != settings.transport()
        ? Set.of(OperationKeys.key(operation, "mode"), transportKey) : Set.of(OperationKeys.key(operation, "mode"));
    return current.withOperation(settings.flipped(mode, chosen), changed);
  }

  private static boolean carries(Transport transport, Mode mode) {
    return switch (transport) {
      case LOCAL -> true;
      case GRPC -> mode == Mode.RPC;
      case KAFKA -> mode == Mode.EVENT;
    };
  }
}
