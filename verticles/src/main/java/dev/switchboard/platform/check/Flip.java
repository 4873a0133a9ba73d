package dev.switchboard.platform.check;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.InternalSettings;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;

import java.util.Objects;
import java.util.Optional;

/**
 * A change of one operation's mode, and optionally its transport, and the settings it would leave
 * the operation with, by the rule a running node flips by ({@code LiveSettings.wouldFlip}): without a
 * transport, event mode goes to the operation's event path ({@link OperationSettings#eventTransport()}),
 * rpc mode to its configured rpc transport (the event bus if it was configured on kafka); a transport
 * no process serving the operation listens on is refused.
 *
 * @param operation the operation to flip
 * @param mode      its new mode
 * @param transport its new transport; empty for the one the rule above gives
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
   * The operation's settings in {@code current} as the flip would leave them.
   *
   * @throws IllegalArgumentException when the operation is not declared
   * @throws ConfigException when no process would listen where the flip sends the operation (grpc in
   *                         event mode, kafka in rpc mode or off the operation's event path, grpc without
   *                         a target or {@code internal.token}), naming the key, the value and what is allowed
   */
  public OperationSettings applyTo(PlatformConfig current) {
    OperationSettings now = current.operation(operation);
    String key = OperationKeys.key(operation, "transport");
    if (mode == Mode.EVENT) {
      Transport chosen = transport.orElse(now.eventTransport());
      if (chosen == Transport.GRPC) {
        throw new ConfigException(key, "grpc", "grpc carries rpc mode only; in event mode local"
            + (now.eventTransport() == Transport.KAFKA ? " or kafka" : ""));
      }
      if (chosen == Transport.KAFKA && now.eventTransport() != Transport.KAFKA) {
        throw new ConfigException(key, "kafka", "local: " + operation + " is consumed on kafka only when configured"
            + " so at start-up (" + OperationKeys.key(operation, "fallbackTransport") + ": kafka, or mode event with"
            + " transport kafka)");
      }
      return now.flipped(Mode.EVENT, chosen);
    }
    Transport rpcTransport = now.transport() == Transport.KAFKA ? Transport.LOCAL : now.transport();
    Transport chosen = transport.orElse(rpcTransport);
    if (chosen == Transport.KAFKA) {
      throw new ConfigException(key, "kafka", "kafka carries event mode only; in rpc mode local"
          + (now.targets().isEmpty() ? "" : " or grpc"));
    }
    if (chosen == Transport.GRPC && now.targets().isEmpty()) {
      throw new ConfigException(OperationKeys.key(operation, "target"), "", "transport grpc needs the address of"
          + " the process serving " + operation + ", set at start-up: host:port, or several separated by commas");
    }
    if (chosen == Transport.GRPC && !current.internal().enabled()) {
      throw new ConfigException(InternalSettings.TOKEN, "", "required: transport grpc carries the token to the"
          + " other process's internal listener, set at start-up");
    }
    return now.flipped(Mode.RPC, chosen);
  }
}
