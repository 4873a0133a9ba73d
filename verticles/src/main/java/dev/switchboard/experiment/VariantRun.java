package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives one variant: places the workload's orders on the open-loop schedule through a real gRPC
 * client, follows every PENDING order with WatchOrder, and records what clients saw. All callbacks
 * run on the client's one event-loop context.
 */
final class VariantRun {

  /** How long after the last order is due the run waits for stragglers before counting them lost. */
  private static final long GRACE_MS = 60_000;

  private final Vertx vertx;
  private final CheckoutGrpcClient client;
  private final String variant;
  private final Workload workload;
  private final Consumer<String> progress;
  private final Promise<Void> finished = Promise.promise();

  private final Histogram placeLatency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  private final Histogram terminalLatency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  final Map<String, Long> confirmedUnits = new HashMap<>();
  final Map<String, Order> terminalOrders = new HashMap<>();
  long confirmedCents;
  private int sent;
  private int accepted;
  private int confirmed;
  private int rejectedStock;
  private int rejectedPayment;
  private int rejectedOther;
  private int errors;
  private int done;
  private long startNanos;
  private long lastTerminalNanos;

  VariantRun(Vertx vertx, CheckoutGrpcClient client, String variant, Workload workload, Consumer<String> progress) {
    this.vertx = vertx;
    this.client = client;
    this.variant = variant;
    this.workload = workload;
    this.progress = progress;
  }

  /** Completes when every order is terminal or failed, or when the grace period after the last one ends. */
  Future<Void> run() {
    vertx.runOnContext(start -> {
      startNanos = System.nanoTime();
      long sender = vertx.setPeriodic(1, tick -> sendDue());
      long reporter = vertx.setPeriodic(1_000, tick -> progress.accept(status()));
      long lastDueMs = workload.dueNanos(workload.orders().size()) / 1_000_000;
      long deadline = vertx.setTimer(lastDueMs + GRACE_MS, expired -> finished.tryComplete());
      finished.future().onComplete(over -> {
        vertx.cancelTimer(sender);
        vertx.cancelTimer(reporter);
        vertx.cancelTimer(deadline);
      });
    });
    return finished.future();
  }

  private void sendDue() {
    long elapsed = System.nanoTime() - startNanos;
    while (sent < workload.orders().size() && workload.dueNanos(sent) <= elapsed) {
      place(sent++);
    }
  }

  private void place(int index) {
    PlaceOrderRequest request = workload.orders().get(index);
    long intended = startNanos + workload.dueNanos(index);
    client.placeOrder(request, "demo-" + variant + "-" + index).onComplete(answer -> {
      if (answer.failed()) {
        errors++;
        settle();
        return;
      }
      accepted++;
      placeLatency.recordValue(micros(intended));
      var response = answer.result();
      if (response.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
        client.watchOrder(response.getOrderId(), update -> {
          if (isTerminal(update.getStatus())) {
            terminal(request, update, intended);
          }
        }).onFailure(lost -> {
          errors++;
          settle();
        });
      } else {
        terminal(request, Order.newBuilder().setOrderId(response.getOrderId()).setStatus(response.getStatus())
            .setReason(response.getReason()).addAllItems(request.getItemsList()).build(), intended);
      }
    });
  }

  private void terminal(PlaceOrderRequest request, Order order, long intended) {
    if (terminalOrders.putIfAbsent(order.getOrderId(), order) != null) {
      return;
    }
    terminalLatency.recordValue(micros(intended));
    lastTerminalNanos = System.nanoTime();
    if (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED) {
      confirmed++;
      for (LineItem item : request.getItemsList()) {
        confirmedUnits.merge(item.getSku(), (long) item.getQuantity(), Long::sum);
        confirmedCents += item.getQuantity() * item.getUnitPriceCents();
      }
    } else if (order.getReason().contains("stock")) {
      rejectedStock++;
    } else if (order.getReason().contains("payment")) {
      rejectedPayment++;
    } else {
      rejectedOther++;
    }
    settle();
  }

  private void settle() {
    done++;
    if (done == workload.orders().size()) {
      finished.tryComplete();
    }
  }

  private long micros(long fromNanos) {
    return Math.max(1, (System.nanoTime() - fromNanos) / 1_000);
  }

  private static boolean isTerminal(OrderStatus status) {
    return status == OrderStatus.ORDER_STATUS_CONFIRMED || status == OrderStatus.ORDER_STATUS_REJECTED;
  }

  String status() {
    return String.format("[%s] sent %d/%d, answered %d, terminal %d, errors %d", variant, sent,
        workload.orders().size(), accepted, terminalOrders.size(), errors);
  }

  VariantResult result(java.util.List<String> violations) {
    int terminal = confirmed + rejectedStock + rejectedPayment + rejectedOther;
    double seconds = ((lastTerminalNanos == 0 ? System.nanoTime() : lastTerminalNanos) - startNanos) / 1e9;
    return new VariantResult(variant, sent, accepted, confirmed, rejectedStock, rejectedPayment, rejectedOther, errors,
        accepted - terminal, placeLatency, terminalLatency, seconds, violations);
  }
}
