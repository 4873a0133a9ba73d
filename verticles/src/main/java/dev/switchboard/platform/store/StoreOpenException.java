package dev.switchboard.platform.store;

import dev.switchboard.platform.config.StoreSettings;

import java.sql.SQLException;

/**
 * The durable store could not be opened at start-up: the database cannot be reached or refused the
 * login (PostgreSQL), or its schema cannot be migrated. {@link #inUse()} tells the one case an
 * operator of the embedded store meets most: another process holds the same database files (H2 locks them).
 */
public final class StoreOpenException extends RuntimeException {

  /** H2's "Database may be already in use" (ErrorCode.DATABASE_ALREADY_OPEN_1). */
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;

  private final boolean inUse;
  private final String setting;

  StoreOpenException(StoreSettings settings, Throwable cause) {
    super("store " + settings.describe() + " cannot be opened: " + cause.getMessage(), cause);
    this.inUse = heldByAnotherProcess(cause);
    this.setting = settings.setting();
  }

  /** The key and value that name the store ({@code store.url jdbc:…}, password masked, or {@code store.path …}). */
  public String setting() {
    return setting;
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
