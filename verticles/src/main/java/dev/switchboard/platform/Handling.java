package dev.switchboard.platform;

/**
 * How an operation's handler takes a message handed in a second time (a redelivery after a crash or
 * a rebalance, a saga resuming its step, an rpc call retried with the same message id): what the
 * application declares with the {@link Operation}, what {@link Switchboard#serve} holds the handler
 * to, and what the pre-flip check ({@code platform.check.ConfigCheck}) reads to tell whether a mode
 * is safe for the operation.
 */
public enum Handling {

  /**
   * Served with a {@link TransactionalHandler}: its effect and the record of its message are one
   * transaction, so a message handled again changes nothing twice. The only kind {@code serve}
   * accepts a {@link TransactionalHandler} for.
   */
  TRANSACTIONAL,

  /**
   * Served with a plain {@link OperationHandler} that the application declares idempotent: running it
   * twice for one message has the effect of running it once (it checks its own record first, or its
   * effect carries the message's identity so that whoever receives it twice can tell).
   */
  IDEMPOTENT,

  /**
   * Served with a plain {@link OperationHandler} whose effect a second run repeats, which the
   * application declares acceptable (approximate statistics): safe for at-least-once delivery, but an
   * operator should know.
   */
  DUPLICATES_ACCEPTED,

  /**
   * Served with a plain {@link OperationHandler} whose effect a second run repeats: safe only where a
   * message is handed in once. What an operation declared without a {@link Handling} is.
   */
  PLAIN;

  /** Whether handling a message twice has the effect of handling it once. */
  public boolean idempotent() {
    return this == TRANSACTIONAL || this == IDEMPOTENT;
  }

  public String spelling() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  /** What the kind means, for a sentence such as "the handler of x is ...". */
  public String description() {
    return switch (this) {
      case TRANSACTIONAL -> "transactional";
      case IDEMPOTENT -> "declared idempotent";
      case DUPLICATES_ACCEPTED -> "declared to accept duplicates (a second run repeats its effect)";
      case PLAIN -> "plain (neither transactional nor declared idempotent)";
    };
  }
}
