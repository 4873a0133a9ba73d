package dev.switchboard.checkout;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Ids;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.StoreSignals;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;

/**
 * The orders, in the store (table {@code orders_order}): accepted once per idempotency key, terminal
 * exactly once. Every change is announced, after it is committed, to whoever watches the order in
 * this process, on the watcher's own context — also a change another replica made on a shared
 * store: it signals the order's id ({@link StoreSignals}, channel {@value #CHANGED}), and each
 * replica with a watcher of that order reads it again and announces it.
 */
public final class OrderBook {

  /** The order, and whether this request created it (false: a retry got the earlier order). */
  public record Acceptance(Order order, boolean created) {
  }

  /** A watch of one order; stop it when done (an update already on its way may still arrive). */
  @FunctionalInterface
  public interface Watch {
    void stop();
  }

  /** One watcher: its handler, called on the context it watched from. */
  private static final class Watcher {
    private final Context context;
    private final Handler<Order> handler;

    Watcher(Context context, Handler<Order> handler) {
      this.context = context;
      this.handler = handler;
    }
  }

  /** The store signal of an order changed by some replica; its payload is {@code <book>|<order id>}. */
  static final String CHANGED = "orders_changed";

  private final Vertx vertx;
  private final Database database;
  private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();
  /** This book among the replicas' books: its own signals come back to it, and are skipped. */
  private final String book = UUID.randomUUID().toString();
  /** The order, its row locked where the store needs it ({@link Database#forUpdate}). */
  private final String selectForUpdate;

  OrderBook(Vertx vertx, Database database) {
    this.vertx = vertx;
    this.database = database;
    this.selectForUpdate = "SELECT body FROM orders_order WHERE order_id = ?" + database.forUpdate();
    database.signals().listen(vertx, CHANGED, new StoreSignals.Listener() {
      @Override
      public void signalled(String payload) {
        int bar = payload.indexOf('|');
        if (bar > 0 && !payload.substring(0, bar).equals(book)) {
          changedElsewhere(payload.substring(bar + 1));
        }
      }

      @Override
      public void missed() {
        watchers.keySet().forEach(OrderBook.this::changedElsewhere);
      }
    });
  }

  /** Another replica changed the order: watchers here get it as it is now. */
  private void changedElsewhere(String orderId) {
    if (watchers.containsKey(orderId)) {
      get(orderId).onSuccess(found -> found.ifPresent(this::announce));
    }
  }

  /** Accepts a valid request as a PENDING order, or returns the order placed earlier with the same key. */
  public Future<Acceptance> accept(PlaceOrderRequest request, String correlationId) {
    String key = request.getIdempotencyKey();
    return database.transaction(store -> {
      if (!key.isEmpty()) {
        Optional<Order> existing = find(store, "idempotency_key", key);
        if (existing.isPresent()) {
          Order earlier = existing.get();
          if (!earlier.getCustomerId().equals(request.getCustomerId())
              || !earlier.getItemsList().equals(request.getItemsList())) {
            throw new OperationException(ErrorCode.ALREADY_EXISTS,
                "idempotency_key '" + key + "' was used for a different order (" + earlier.getOrderId() + ")");
          }
          return new Acceptance(earlier, false);
        }
      }
      Order order = Order.newBuilder()
          .setOrderId(Ids.next())
          .setStatus(OrderStatus.ORDER_STATUS_PENDING)
          .setCustomerId(request.getCustomerId())
          .addAllItems(request.getItemsList())
          .setTotalCents(OrderValidation.totalCents(request.getItemsList()))
          .setCorrelationId(correlationId)
          .setIdempotencyKey(key)
          .setAcceptedAtMs(System.currentTimeMillis())
          .build();
      try (PreparedStatement insert = store.prepareStatement("INSERT INTO orders_order "
          + "(order_id, idempotency_key, status, checkout_started, accepted_at_ms, body) VALUES (?, ?, ?, FALSE, ?, ?)")) {
        insert.setString(1, order.getOrderId());
        insert.setString(2, key.isEmpty() ? null : key);
        insert.setString(3, order.getStatus().name());
        insert.setLong(4, order.getAcceptedAtMs());
        insert.setBytes(5, order.toByteArray());
        insert.executeUpdate();
      }
      return new Acceptance(order, true);
    }).onSuccess(acceptance -> {
      if (acceptance.created()) {
        announce(acceptance.order());
      }
    });
  }

  /**
   * Claims the order for its checkout: true while it is PENDING (the first claim and any later one);
   * false once it is terminal. Atomic with {@link #rejectUnlessCheckoutStarted}, so an order is never
   * both rejected for not starting and checked out.
   */
  public Future<Boolean> claimCheckout(String orderId) {
    return database.transaction(store -> {
      Optional<Order> order = findForUpdate(store, orderId);
      if (order.isEmpty() || isTerminal(order.get())) {
        return false;
      }
      try (PreparedStatement claim = store.prepareStatement(
          "UPDATE orders_order SET checkout_started = TRUE WHERE order_id = ?")) {
        claim.setString(1, orderId);
        claim.executeUpdate();
      }
      return true;
    });
  }

  /**
   * Rejects the order unless its checkout has been claimed (then the checkout will end it) or it has
   * ended already: completes with the rejected order, or empty when it was left as it is.
   */
  public Future<Optional<Order>> rejectUnlessCheckoutStarted(String orderId, String reason) {
    return transition(orderId, OrderStatus.ORDER_STATUS_REJECTED, reason, true);
  }

  public Future<Optional<Order>> get(String orderId) {
    return database.transaction(store -> find(store, "order_id", orderId));
  }

  /**
   * Moves the order to its terminal status. The first terminal status wins: the same one again
   * (a resumed saga ending it twice) returns the order as it is, another one is refused, so an
   * order ends in exactly one terminal state.
   */
  public Future<Order> complete(String orderId, OrderStatus status, String reason) {
    return transition(orderId, status, reason, false).map(Optional::orElseThrow);
  }

  private Future<Optional<Order>> transition(String orderId, OrderStatus status, String reason,
                                             boolean onlyUnclaimed) {
    boolean[] changed = {false};
    return database.transaction(store -> {
      changed[0] = false; // (the store may run the work again after a conflict)
      Optional<Order> found = findForUpdate(store, orderId);
      if (found.isEmpty()) {
        throw new OperationException(ErrorCode.NOT_FOUND, "no order " + orderId);
      }
      Order current = found.get();
      if (onlyUnclaimed && checkoutStarted(store, orderId)) {
        return Optional.<Order>empty();
      }
      if (isTerminal(current)) {
        if (onlyUnclaimed) {
          return Optional.<Order>empty();
        }
        if (current.getStatus() == status) {
          return Optional.of(current);
        }
        throw new OperationException(ErrorCode.FAILED_PRECONDITION, "order " + orderId + " is already "
            + current.getStatus() + "; refusing " + status);
      }
      Order updated = current.toBuilder().setStatus(status).setReason(reason)
          .setCompletedAtMs(System.currentTimeMillis()).build();
      try (PreparedStatement update = store.prepareStatement(
          "UPDATE orders_order SET status = ?, body = ? WHERE order_id = ?")) {
        update.setString(1, status.name());
        update.setBytes(2, updated.toByteArray());
        update.setString(3, orderId);
        update.executeUpdate();
      }
      database.signals().signal(store, CHANGED, book + "|" + orderId);
      changed[0] = true;
      return Optional.of(updated);
    }).onSuccess(updated -> {
      if (changed[0]) {
        updated.ifPresent(this::announce);
      }
    });
  }

  /** Follows the order: {@code handler} gets every change after this call, on the caller's context. */
  public Watch watch(String orderId, Handler<Order> handler) {
    Watcher watcher = new Watcher(vertx.getOrCreateContext(), handler);
    watchers.compute(orderId, (id, set) -> {
      Set<Watcher> current = set == null ? ConcurrentHashMap.newKeySet() : set;
      current.add(watcher);
      return current;
    });
    return () -> watchers.computeIfPresent(orderId, (id, set) -> {
      set.remove(watcher);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Follows the order to its end from this call on. Ask for it before whatever may end the order
   * (claiming its checkout): an order that ended before is what that claim answers, so no read is
   * needed to catch an end the watch came too late for.
   */
  public Ending followToEnd(String orderId) {
    return new Ending(orderId);
  }

  /** An order followed to its end ({@link #followToEnd}): await it, or stop following it. */
  public final class Ending {
    private final String orderId;
    private final Promise<Order> terminal = Promise.promise();
    private final Watch watch;

    private Ending(String orderId) {
      this.orderId = orderId;
      this.watch = watch(orderId, order -> {
        if (isTerminal(order)) {
          terminal.tryComplete(order);
        }
      });
    }

    /**
     * Completes with the order when a change after {@link #followToEnd} makes it terminal, or with
     * its state as it is after {@code timeoutMs}: waiting is bounded, the order goes on.
     */
    public Future<Order> await(long timeoutMs) {
      long timer = vertx.setTimer(timeoutMs, expired -> get(orderId).onComplete(current -> {
        if (current.succeeded() && current.result().isPresent()) {
          terminal.tryComplete(current.result().get());
        } else {
          terminal.tryFail(new OperationException(ErrorCode.UNAVAILABLE, "order " + orderId
              + " could not be read after waiting " + timeoutMs + " ms for its end"));
        }
      }));
      return terminal.future().onComplete(done -> {
        vertx.cancelTimer(timer);
        watch.stop();
      });
    }

    /** Stops following the order (again: harmless). */
    public void stop() {
      watch.stop();
    }
  }

  public Future<List<Order>> all() {
    return list("SELECT body FROM orders_order ORDER BY accepted_at_ms");
  }

  /** Orders accepted and not ended: after a restart, their checkout may never have started. */
  Future<List<Order>> pending() {
    return list("SELECT body FROM orders_order WHERE status = '" + OrderStatus.ORDER_STATUS_PENDING.name()
        + "' ORDER BY accepted_at_ms");
  }

  /**
   * Claims, for this replica, up to {@code limit} orders accepted before {@code acceptedBeforeMs}
   * whose checkout has not started — their replica may have died between accepting and placing
   * them — that no replica has claimed within {@code leaseMs}: the rows are locked
   * ({@code FOR UPDATE SKIP LOCKED}) and marked in one transaction, so two replicas never place the
   * same order again at once.
   */
  Future<List<Order>> claimUnplaced(long acceptedBeforeMs, long leaseMs, int limit) {
    long now = System.currentTimeMillis();
    return database.transaction(store -> {
      List<Order> orders = new ArrayList<>();
      try (PreparedStatement select = store.prepareStatement("SELECT body FROM orders_order WHERE status = '"
          + OrderStatus.ORDER_STATUS_PENDING.name() + "' AND NOT checkout_started AND accepted_at_ms < ? "
          + "AND resume_after_ms < ? ORDER BY accepted_at_ms FETCH FIRST " + limit + " ROWS ONLY "
          + "FOR UPDATE SKIP LOCKED")) {
        select.setLong(1, acceptedBeforeMs);
        select.setLong(2, now);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            orders.add(decode(rows.getBytes(1)));
          }
        }
      }
      if (!orders.isEmpty()) {
        try (PreparedStatement claim = store.prepareStatement(
            "UPDATE orders_order SET resume_after_ms = ? WHERE order_id = ?")) {
          for (Order order : orders) {
            claim.setLong(1, now + leaseMs);
            claim.setString(2, order.getOrderId());
            claim.addBatch();
          }
          claim.executeBatch();
        }
      }
      return orders;
    });
  }

  /** Orders accepted and not yet terminal: the checkout's backlog. */
  public Future<Long> pendingCount() {
    return database.queryLong("SELECT COUNT(*) FROM orders_order WHERE status = '"
        + OrderStatus.ORDER_STATUS_PENDING.name() + "'");
  }

  public static boolean isTerminal(Order order) {
    return order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED
        || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED;
  }

  private Future<List<Order>> list(String sql) {
    return database.transaction(store -> {
      List<Order> orders = new ArrayList<>();
      try (PreparedStatement select = store.prepareStatement(sql); ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          orders.add(decode(rows.getBytes(1)));
        }
      }
      return orders;
    });
  }

  private static Optional<Order> find(Connection store, String column, String value) throws SQLException {
    try (PreparedStatement select = store.prepareStatement("SELECT body FROM orders_order WHERE " + column + " = ?")) {
      select.setString(1, value);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(decode(row.getBytes(1))) : Optional.empty();
      }
    }
  }

  /**
   * The order, its row locked until the transaction ends where pieces of work run concurrently: a
   * concurrent change of it waits, then sees this one's.
   */
  private Optional<Order> findForUpdate(Connection store, String orderId) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(selectForUpdate)) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(decode(row.getBytes(1))) : Optional.empty();
      }
    }
  }

  private static boolean checkoutStarted(Connection store, String orderId) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(
        "SELECT checkout_started FROM orders_order WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() && row.getBoolean(1);
      }
    }
  }

  private void announce(Order order) {
    Set<Watcher> watching = watchers.get(order.getOrderId());
    if (watching != null) {
      for (Watcher watcher : watching) {
        watcher.context.runOnContext(ignored -> watcher.handler.handle(order));
      }
    }
  }

  private static Order decode(byte[] body) {
    try {
      return Order.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored order cannot be decoded", e);
    }
  }

}
