package dev.switchboard.platform.config;

/**
 * A configuration value that cannot be used. The message always names the key, the value and
 * what is allowed, so that start-up can stop with a sentence an operator can act on.
 */
public final class ConfigException extends RuntimeException {

  private final String key;
  private final String value;

  public ConfigException(String key, String value, String allowed) {
    super("invalid configuration: " + key + " = '" + value + "': " + allowed);
    this.key = key;
    this.value = value;
  }

  public String key() {
    return key;
  }

  public String value() {
    return value;
  }
}
