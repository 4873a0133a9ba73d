package dev.switchboard.platform.check;

import dev.switchboard.platform.config.ConfigException;
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
 * no process serving the operation listens on is refused ({@link PlatformConfig#flipped}).
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
    return current.flipped(operation, mode, transport.orElse(null));
  }
}
