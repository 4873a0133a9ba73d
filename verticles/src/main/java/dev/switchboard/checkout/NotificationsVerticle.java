package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the customer what happened to their order: a subscriber of the order domain events. */
public final class NotificationsVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(NotificationsVerticle.class);

  private final Switchboard switchboard;
  private final NotificationLog log;

  public NotificationsVerticle(Switchboard switchboard, NotificationLog log) {
    this.switchboard = switchboard;
    this.log = log;
  }

  @Override
  public Future<?> start() {
    return switchboard.serve(CheckoutOperations.NOTIFICATIONS_ORDER_EVENTS, (event, context, store) -> {
      log.record(store, event);
      LOGGER.debug("{} notify: order {}{}", context.logTag(), describe(event.getKindCase()),
          event.hasRejected() ? " (" + event.getRejected().getReason() + ")" : "");
      return EventAck.newBuilder().setEventId(event.getEventId()).build();
    });
  }

  private static String describe(OrderEvent.KindCase kind) {
    return switch (kind) {
      case PLACED -> "received";
      case CONFIRMED -> "confirmed";
      case REJECTED -> "rejected";
      case KIND_NOT_SET -> "updated";
    };
  }
}
