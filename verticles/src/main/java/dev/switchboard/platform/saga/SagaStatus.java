package dev.switchboard.platform.saga;

/** Where a saga is. The last three are terminal: a saga reaches exactly one of them, once. */
public enum SagaStatus {
  /** Running its forward steps. */
  RUNNING,
  /** A step failed; undoing the steps that took effect, latest first. */
  COMPENSATING,
  /** Every step succeeded. */
  COMPLETED,
  /** A step failed and every compensation succeeded. */
  COMPENSATED,
  /** A step failed and a compensation kept failing: needs an operator. */
  FAILED;

  public boolean isTerminal() {
    return this == COMPLETED || this == COMPENSATED || this == FAILED;
  }
}
