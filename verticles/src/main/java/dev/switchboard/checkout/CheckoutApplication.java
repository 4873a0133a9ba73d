package dev.switchboard.checkout;

import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.saga.SagaEngine;
import dev.switchboard.platform.saga.SagaOutline;
import dev.switchboard.platform.saga.SagaStore;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.SchemaMigrations;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checkout services deployed on one Vert.x instance: inventory, payment, shipping,
 * notifications, analytics and orders (which runs the checkout saga). Their state lives in the
 * platform's store; this holds the objects that read and change it, so that edges and tests can
 * read it too.
 */
public final class CheckoutApplication {

  private static final Logger LOGGER = LoggerFactory.getLogger(CheckoutApplication.class);

  /** The sagas the services run, outlined for the pre-flip check: the checkout, started by {@code orders.place}. */
  public static final List<SagaOutline> SAGAS = List.of(CheckoutSaga.outline());

  /** The services, in deployment order. */
  public static final List<String> SERVICES =
      List.of("inventory", "payment", "shipping", "notifications", "analytics", "views", "orders");
  /** The checkout services' tables: migrations of their own, in a history of their own, beside the platform's. */
  public static final SchemaMigrations SCHEMA = new SchemaMigrations("db/checkout", "checkout_schema_history");

  private final StockLedger stock;
  private final PaymentLedger payments;
  private final NotificationLog notifications;
  private final OrderBook orders;
  private final OrderDesk desk;
  private final ShipmentBook shipments;
  private final OrderViews views;
  /** The services by name, in deployment order: a factory each, so a service can be stopped and started again. */
  private final Map<String, Supplier<Deployable>> services = new LinkedHashMap<>();
  private final Map<String, String> deployments = new LinkedHashMap<>();

  private CheckoutApplication(Vertx vertx, Switchboard switchboard, CheckoutConfig config, SagaStore sagaStore) {
    Database store = switchboard.store();
    this.stock = new StockLedger(store);
    this.payments = new PaymentLedger(store, config.maxChargeCents());
    this.notifications = new NotificationLog(store);
    this.orders = new OrderBook(vertx, store);
    this.shipments = new ShipmentBook(store);
    this.views = new OrderViews(store);
    OrderEvents events = new OrderEvents(switchboard);
    this.desk = new OrderDesk(switchboard, orders, events, stock);
    services.put("inventory", () -> new InventoryVerticle(switchboard, stock));
    services.put("payment", () -> new PaymentVerticle(switchboard, payments));
    services.put("shipping", () -> new ShippingVerticle(switchboard, shipments));
    services.put("notifications", () -> new NotificationsVerticle(switchboard, notifications));
    services.put("analytics", () -> new AnalyticsVerticle(switchboard));
    services.put("views", () -> new ViewsVerticle(switchboard, views, config.views()));
    // a new saga engine each time orders starts: its result listeners and sweeper live and end with the verticle
    services.put("orders", () -> new OrdersVerticle(switchboard, new SagaEngine(vertx, switchboard, sagaStore), orders,
        events, desk));
  }

  /**
   * Brings the services' tables to the latest version of their migrations (and adds the SKUs of the
   * configured stock that the store does not know yet), then deploys every checkout verticle, in order; fails (and undeploys
   * what started) if one fails.
   */
  public static Future<CheckoutApplication> deploy(Vertx vertx, Switchboard switchboard, CheckoutConfig config) {
    return deploy(vertx, switchboard, config, SERVICES);
  }

  /** As {@link #deploy(Vertx, Switchboard, CheckoutConfig)}, with only {@code only} of the services (a split deployment). */
  public static Future<CheckoutApplication> deploy(Vertx vertx, Switchboard switchboard, CheckoutConfig config,
                                                   List<String> only) {
    return switchboard.store().migrate(SCHEMA).compose(migrated -> {
      CheckoutApplication application = new CheckoutApplication(vertx, switchboard, config,
          SagaStore.of(switchboard));
      return application.stock.seed(config.initialStock())
          .compose(seeded -> application.deployServices(vertx, only));
    });
  }

  private Future<CheckoutApplication> deployServices(Vertx vertx, List<String> only) {
    CheckoutApplication application = this;
    Future<Void> chain = Future.succeededFuture();
    for (String service : application.services.keySet()) {
      if (!only.contains(service)) {
        continue;
      }
      chain = chain.compose(previous -> application.start(vertx, service));
    }
    return chain.map(application).recover(failure -> application.undeploy(vertx).transform(ignored ->
        Future.failedFuture(failure)));
  }

  /** Starts a service (again): its state, held here, is the same; what it had in flight was redelivered. */
  public Future<Void> start(Vertx vertx, String service) {
    Supplier<Deployable> factory = services.get(service);
    if (factory == null) {
      return Future.failedFuture(new IllegalArgumentException("no service " + service + "; services are "
          + services.keySet()));
    }
    return vertx.deployVerticle(factory.get())
        .onSuccess(id -> deployments.put(service, id))
        .onSuccess(id -> LOGGER.info("started {}", service))
        .mapEmpty();
  }

  /** Stops a service as a crash would: its consumers close, and whatever it had in flight is dropped. */
  public Future<Void> stop(Vertx vertx, String service) {
    String id = deployments.remove(service);
    return id == null ? Future.succeededFuture()
        : vertx.undeploy(id).onSuccess(done -> LOGGER.info("stopped {}", service));
  }

  public Future<Void> undeploy(Vertx vertx) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String service : List.copyOf(deployments.keySet())) {
      undeployed.add(stop(vertx, service));
    }
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

  public ShipmentBook shipments() {
    return shipments;
  }

  public OrderViews views() {
    return views;
  }
}
