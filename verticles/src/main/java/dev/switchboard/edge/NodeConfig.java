package dev.switchboard.edge;

import dev.switchboard.checkout.CheckoutConfig;
import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole configuration of one process, validated at once: an unknown key, an unknown operation
 * or a bad value stops start-up with a {@link dev.switchboard.platform.config.ConfigException}.
 */
public record NodeConfig(Settings settings, PlatformConfig platform, CheckoutConfig checkout, EdgeConfig edge) {

  public static NodeConfig from(Settings settings) {
    Set<String> keys = new HashSet<>();
    keys.addAll(PlatformConfig.KEYS);
    keys.addAll(CheckoutConfig.KEYS);
    keys.addAll(EdgeConfig.KEYS);
    Set<String> prefixes = new HashSet<>();
    prefixes.addAll(PlatformConfig.PREFIXES);
    prefixes.addAll(CheckoutConfig.PREFIXES);
    settings.requireKnownKeys(keys, prefixes);
    Set<String> operations = CheckoutOperations.ALL.stream().map(Operation::name).collect(Collectors.toSet());
    return new NodeConfig(settings, PlatformConfig.from(settings, operations), CheckoutConfig.from(settings),
        EdgeConfig.from(settings));
  }
}
