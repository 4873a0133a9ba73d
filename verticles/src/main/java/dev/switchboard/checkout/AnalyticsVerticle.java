package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.Switchboard;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Map;

/** Counts orders by what happened to them and the revenue confirmed: a second subscriber of order events. */
public final class AnalyticsVerticle extends VerticleBase {

  private final Switchboard switchboard;

  public AnalyticsVerticle(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  @Override
  public Future<?> start() {
    var registry = switchboard.metrics().registry();
    Counter revenue = Counter.builder("checkout.revenue.cents").description("Revenue of confirmed orders")
        .register(registry);
    // one counter per kind of event, registered on first use (a counter looked up per event costs more than counting)
    Map<OrderEvent.KindCase, Counter> seen = new ConcurrentHashMap<>();
    return switchboard.serve(CheckoutOperations.ANALYTICS_ORDER_EVENTS, (event, context) -> {
      seen.computeIfAbsent(event.getKindCase(), kind -> Counter.builder("checkout.orders")
          .description("Order domain events seen by analytics")
          .tag("event", kind.name().toLowerCase(Locale.ROOT)).register(registry)).increment();
      if (event.hasConfirmed()) {
        revenue.increment(event.getConfirmed().getTotalCents());
      }
      return Future.succeededFuture(EventAck.newBuilder().setEventId(event.getEventId()).build());
    });
  }
}
