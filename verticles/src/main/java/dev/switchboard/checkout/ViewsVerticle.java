package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;

/**
 * The configured read models ({@code views.count}), each a subscriber of the order events of its
 * own: adding one is a configuration change, and nothing that emits order events changes with it.
 */
public final class ViewsVerticle extends VerticleBase {

  private final Switchboard switchboard;
  private final OrderViews views;
  private final List<Operation<OrderEvent, EventAck>> subscribers;

  public ViewsVerticle(Switchboard switchboard, OrderViews views, int count) {
    this.switchboard = switchboard;
    this.views = views;
    this.subscribers = CheckoutOperations.views(count);
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> serving = new ArrayList<>();
    for (Operation<OrderEvent, EventAck> view : subscribers) {
      serving.add(switchboard.serve(view, (event, context, store) -> {
        views.apply(store, view.name(), event);
        return EventAck.newBuilder().setEventId(event.getEventId()).build();
      }));
    }
    return Future.all(serving);
  }
}
