package dev.switchboard.platform.check;

import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;

/** The configuration keys of an operation's properties, and where a value came from, as findings name them. */
final class OperationKeys {

  private OperationKeys() {
  }

  /** {@code operations.<operation>.<property>}. */
  static String key(String operation, String property) {
    return OperationSettings.PREFIX + "." + operation + "." + property;
  }

  /**
   * {@code value} when the operation's own key sets it, {@code value (from defaults.<property>)} when it
   * comes from the defaults: how a finding quotes a value.
   */
  static String quoted(PlatformConfig config, String operation, String property, Object value) {
    return value + (config.sets(key(operation, property)) ? "" : " (from defaults." + property + ")");
  }
}
