package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;

import java.util.List;

import static dev.switchboard.checkout.OrderLimits.MAX_ITEMS;
import static dev.switchboard.checkout.OrderLimits.MAX_QUANTITY;
import static dev.switchboard.checkout.OrderLimits.MAX_TOTAL_CENTS;
import static dev.switchboard.checkout.OrderLimits.MAX_UNIT_PRICE_CENTS;

/**
 * The rules a PlaceOrderRequest must meet before anything is stored, whichever edge it came through
 * (the bounds are {@link OrderLimits}); each failure names the field and the limit.
 */
final class OrderValidation {

  private OrderValidation() {
  }

  static void validate(PlaceOrderRequest request) {
    OrderLimits.CUSTOMER_ID.check(request.getCustomerId());
    if (!request.getIdempotencyKey().isEmpty()) {
      OrderLimits.IDEMPOTENCY_KEY.check(request.getIdempotencyKey());
    }
    if (request.getItemsCount() == 0) {
      throw invalid("items must not be empty");
    }
    if (request.getItemsCount() > MAX_ITEMS) {
      throw invalid("items must be at most " + MAX_ITEMS + ", was " + request.getItemsCount());
    }
    for (int i = 0; i < request.getItemsCount(); i++) {
      LineItem item = request.getItems(i);
      String name = "items[" + i + "]";
      OrderLimits.SKU.named(name + ".sku").check(item.getSku());
      if (item.getQuantity() < 1 || item.getQuantity() > MAX_QUANTITY) {
        throw invalid(name + ".quantity must be 1 to " + MAX_QUANTITY + ", was " + item.getQuantity());
      }
      if (item.getUnitPriceCents() < 0 || item.getUnitPriceCents() > MAX_UNIT_PRICE_CENTS) {
        throw invalid(name + ".unit_price_cents must be 0 to " + MAX_UNIT_PRICE_CENTS + ", was "
            + item.getUnitPriceCents());
      }
    }
    long total;
    try {
      total = totalCents(request.getItemsList());
    } catch (ArithmeticException e) {
      total = Long.MAX_VALUE;
    }
    if (total > MAX_TOTAL_CENTS) {
      throw invalid("items: the order total must be at most " + MAX_TOTAL_CENTS + " cents");
    }
  }

  /** The sum of quantity times unit price; fails with ArithmeticException rather than overflow. */
  static long totalCents(List<LineItem> items) {
    long total = 0;
    for (LineItem item : items) {
      total = Math.addExact(total, Math.multiplyExact((long) item.getQuantity(), item.getUnitPriceCents()));
    }
    return total;
  }

  private static OperationException invalid(String message) {
    return new OperationException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
