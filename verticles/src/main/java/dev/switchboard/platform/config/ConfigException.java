package dev.switchboard.platform.config;

/**
 * A configuration value that cannot be used. The message always names the key, the value and
 * what is allowed, so that start-up can stop with a sentence an operator can act on.
 */
public final class ConfigException extends RuntimeException {

  private final String key;
  private final String value;
  private final String allowed;

  public ConfigException(String key, String value, String allowed) {
    super("invalid configuration: " + key + " = '" + value + "': " + allowed);
    this.key = key;
    this.value = value;
    this.allowed = allowed;
  }

  /** What the key allows instead. */
  public String allowed() {
    return allowed;
  }

  public String key() {
    return key;
  }

  public String value() {
    return value;
  }
}
