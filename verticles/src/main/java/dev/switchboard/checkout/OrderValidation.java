package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;

import java.util.List;

/** The rules a PlaceOrderRequest must meet before anything is stored; each failure names the field. */
final class OrderValidation {

  private OrderValidation() {
  }

  static void validate(PlaceOrderRequest request) {
    if (request.getCustomerId().isBlank()) {
      throw invalid("customer_id must not be empty");
    }
    if (request.getItemsCount() == 0) {
      throw invalid("items must not be empty");
    }
    for (int i = 0; i < request.getItemsCount(); i++) {
      LineItem item = request.getItems(i);
      if (item.getSku().isBlank()) {
        throw invalid("items[" + i + "].sku must not be empty");
      }
      if (item.getQuantity() <= 0) {
        throw invalid("items[" + i + "].quantity must be greater than 0, was " + item.getQuantity());
      }
      if (item.getUnitPriceCents() < 0) {
        throw invalid("items[" + i + "].unit_price_cents must not be negative, was " + item.getUnitPriceCents());
      }
    }
    try {
      totalCents(request.getItemsList());
    } catch (ArithmeticException e) {
      throw invalid("items: the order total overflows");
    }
  }

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
