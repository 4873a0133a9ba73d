package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stock per SKU and the reservations per order. Every change is one atomic step, so available stock
 * never goes negative whatever the concurrency; every change is idempotent per order, so a command
 * handled twice changes nothing twice.
 */
public final class StockLedger {

  private final Map<String, long[]> levels = new TreeMap<>(); // sku -> {available, reserved}
  private final Map<String, Map<String, Long>> reservations = new HashMap<>(); // order -> sku -> units
  private final Set<String> released = new HashSet<>();
  private final Map<String, Map<String, Long>> sold = new HashMap<>(); // order -> sku -> units

  public StockLedger(Map<String, Long> initialStock) {
    initialStock.forEach((sku, units) -> levels.put(sku, new long[] {units, 0}));
  }

  /** Reserves every item of the order, or none; the same order reserved twice reserves once. */
  public synchronized Map<String, Long> reserve(String orderId, List<LineItem> items) {
    Map<String, Long> existing = reservations.containsKey(orderId) ? reservations.get(orderId) : sold.get(orderId);
    if (existing != null) {
      return existing;
    }
    if (released.contains(orderId)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "stock for order " + orderId + " was already released; reservation refused");
    }
    Map<String, Long> wanted = new LinkedHashMap<>();
    for (LineItem item : items) {
      wanted.merge(item.getSku(), (long) item.getQuantity(), Long::sum);
    }
    for (Map.Entry<String, Long> entry : wanted.entrySet()) {
      long[] level = levels.get(entry.getKey());
      if (level == null) {
        throw new OperationException(ErrorCode.FAILED_PRECONDITION, "no stock of unknown SKU " + entry.getKey());
      }
      if (level[0] < entry.getValue()) {
        throw new OperationException(ErrorCode.FAILED_PRECONDITION, "insufficient stock for " + entry.getKey()
            + ": requested " + entry.getValue() + ", available " + level[0]);
      }
    }
    wanted.forEach((sku, units) -> {
      long[] level = levels.get(sku);
      level[0] -= units;
      level[1] += units;
    });
    reservations.put(orderId, wanted);
    return wanted;
  }

  /** Returns the order's reserved units to available stock; refuses any later reservation for it. */
  public synchronized long release(String orderId) {
    released.add(orderId);
    if (sold.containsKey(orderId)) {
      return 0;
    }
    Map<String, Long> reservation = reservations.remove(orderId);
    if (reservation == null) {
      return 0;
    }
    long units = 0;
    for (Map.Entry<String, Long> entry : reservation.entrySet()) {
      long[] level = levels.get(entry.getKey());
      level[0] += entry.getValue();
      level[1] -= entry.getValue();
      units += entry.getValue();
    }
    return units;
  }

  /** Turns the order's reservation into a sale: the units leave {@code reserved} for good. */
  public synchronized boolean commit(String orderId) {
    Map<String, Long> reservation = reservations.remove(orderId);
    if (reservation == null) {
      return false;
    }
    sold.put(orderId, reservation);
    reservation.forEach((sku, units) -> levels.get(sku)[1] -= units);
    return true;
  }

  public synchronized StockLevel level(String sku) {
    long[] level = levels.get(sku);
    if (level == null) {
      throw new OperationException(ErrorCode.NOT_FOUND, "unknown SKU " + sku);
    }
    return StockLevel.newBuilder().setSku(sku).setAvailable(level[0]).setReserved(level[1]).build();
  }
}
