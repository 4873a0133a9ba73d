package dev.switchboard.experiment;

/**
 * Why an order ended REJECTED, as a client can tell from the reason the order carries: the step
 * that failed names itself ({@code insufficient stock for …}, {@code payment declined: …}); anything
 * else (a timeout, an unavailable step) is {@link #OTHER}.
 */
enum Rejection {
  STOCK, PAYMENT, OTHER;

  static Rejection of(String reason) {
    if (reason.contains("stock")) {
      return STOCK;
    }
    return reason.contains("declined") ? PAYMENT : OTHER;
  }

  /** The class's name in reports: {@code stock}, {@code payment}, {@code other}. */
  String measure() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
