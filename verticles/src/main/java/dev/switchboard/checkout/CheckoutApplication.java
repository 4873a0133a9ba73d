package dev.switchboard.checkout;

import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.saga.InMemorySagaStore;
import dev.switchboard.platform.saga.SagaEngine;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The checkout services deployed on one Vert.x instance: inventory, payment, shipping,
 * notifications, analytics and orders (which runs the checkout saga). Holds the services' state so
 * that edges and tests can read it.
 */
public final class CheckoutApplication {

  private static final Logger LOGGER = LoggerFactory.getLogger(CheckoutApplication.class);

  private final StockLedger stock;
  private final PaymentLedger payments;
  private final NotificationLog notifications;
  private final OrderBook orders;
  private final OrderDesk desk;
  private final ShippingVerticle shipping;
  private final List<Deployable> verticles;
  private final List<String> deployments = new ArrayList<>();

  private CheckoutApplication(Vertx vertx, Switchboard switchboard, CheckoutConfig config) {
    this.stock = new StockLedger(config.initialStock());
    this.payments = new PaymentLedger(config.maxChargeCents());
    this.notifications = new NotificationLog();
    this.orders = new OrderBook(vertx);
    this.shipping = new ShippingVerticle(switchboard);
    SagaEngine sagas = new SagaEngine(vertx, switchboard, new InMemorySagaStore());
    OrderEvents events = new OrderEvents(switchboard);
    this.desk = new OrderDesk(switchboard, orders, events, stock);
    this.verticles = List.of(
        new InventoryVerticle(switchboard, stock),
        new PaymentVerticle(switchboard, payments),
        shipping,
        new NotificationsVerticle(switchboard, notifications),
        new AnalyticsVerticle(switchboard),
        new OrdersVerticle(switchboard, sagas, orders, events, desk));
  }

  /** Deploys every checkout verticle, in order; fails (and undeploys what started) if one fails. */
  public static Future<CheckoutApplication> deploy(Vertx vertx, Switchboard switchboard, CheckoutConfig config) {
    CheckoutApplication application = new CheckoutApplication(vertx, switchboard, config);
    Future<Void> chain = Future.succeededFuture();
    for (Deployable verticle : application.verticles) {
      chain = chain.compose(previous -> vertx.deployVerticle(verticle)
          .onSuccess(application.deployments::add)
          .onSuccess(id -> LOGGER.info("deployed {}", verticle.getClass().getSimpleName()))
          .mapEmpty());
    }
    return chain.map(application).recover(failure -> application.undeploy(vertx).transform(ignored ->
        Future.failedFuture(failure)));
  }

  public Future<Void> undeploy(Vertx vertx) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String id : deployments) {
      undeployed.add(vertx.undeploy(id));
    }
    deployments.clear();
    return Future.join(undeployed).mapEmpty();
  }

  public OrderDesk desk() {
    return desk;
  }

  public StockLedger stock() {
    return stock;
  }

  public PaymentLedger payments() {
    return payments;
  }

  public NotificationLog notifications() {
    return notifications;
  }

  public OrderBook orders() {
    return orders;
  }

  public int shipments() {
    return shipping.shipmentCount();
  }
}
