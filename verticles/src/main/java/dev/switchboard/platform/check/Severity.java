package dev.switchboard.platform.check;

/** How much a finding of the pre-flip check weighs. */
public enum Severity {
  /** The configuration would lose, duplicate or corrupt work: {@code check} exits 1 and {@code serve} refuses to start. */
  ERROR,
  /** A risk an operator should know of before flipping: printed and logged, nothing refused. */
  WARNING;

  public String spelling() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
