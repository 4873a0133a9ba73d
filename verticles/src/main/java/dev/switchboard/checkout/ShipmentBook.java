package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Shipments per order, each idempotent per order; a schedule after a cancellation is refused. */
public final class ShipmentBook {

  private final Map<String, Shipment> shipments = new HashMap<>();
  private final Set<String> cancelled = new HashSet<>();

  public synchronized Shipment schedule(String orderId) {
    if (cancelled.contains(orderId)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "shipment of order " + orderId + " was already cancelled; scheduling refused");
    }
    return shipments.computeIfAbsent(orderId, order -> Shipment.newBuilder()
        .setOrderId(order).setShipmentId(UUID.randomUUID().toString()).build());
  }

  /** Cancels the order's shipment, if any; returns whether one was scheduled. */
  public synchronized boolean cancel(String orderId) {
    cancelled.add(orderId);
    return shipments.remove(orderId) != null;
  }

  /** Shipments scheduled and not cancelled. */
  public synchronized int count() {
    return shipments.size();
  }
}
