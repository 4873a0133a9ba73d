package dev.switchboard.platform.store;

import java.sql.SQLException;

/**
 * The durable store could not be opened at start-up. {@link #inUse()} tells the one case an
 * operator meets most: another process holds the same database files (H2 locks them).
 */
public final class StoreOpenException extends RuntimeException {

  /** H2's "Database may be already in use" (ErrorCode.DATABASE_ALREADY_OPEN_1). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private final boolean inUse;

  StoreOpenException(String description, Throwable cause) {
    super("store " + description + " cannot be opened: " + cause.getMessage(), cause);
    this.inUse = heldByAnotherProcess(cause);
  }

  /** Whether another process has the database open. */
  public boolean inUse() {
    return inUse;
  }

  private static boolean heldByAnotherProcess(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        return true;
      }
    }
    return false;
  }
}
