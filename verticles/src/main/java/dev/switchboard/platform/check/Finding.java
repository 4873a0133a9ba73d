package dev.switchboard.platform.check;

import java.util.Objects;

/**
 * One thing the pre-flip check found: how much it weighs, what it is about, and a sentence naming
 * the values, the risk and what to change.
 *
 * @param severity error or warning
 * @param key      the configuration key the finding is about (such as
 *                 {@code operations.payment.charge.mode}), or, for one about the application's
 *                 declarations, what is declared (such as {@code saga checkout})
 * @param message  the values, the risk and what to change
 */
public record Finding(Severity severity, String key, String message) {

  public Finding {
    Objects.requireNonNull(severity);
    Objects.requireNonNull(key);
    Objects.requireNonNull(message);
  }

  public static Finding error(String key, String message) {
    return new Finding(Severity.ERROR, key, message);
  }

  public static Finding warning(String key, String message) {
    return new Finding(Severity.WARNING, key, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The finding as one line: {@code error   operations.x.mode: message}. */
  public String line() {
    return String.format("%-8s%s: %s", severity.spelling(), key, message);
  }

  @Override
  public String toString() {
    return line();
  }
}
