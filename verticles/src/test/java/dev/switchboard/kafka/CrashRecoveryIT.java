package dev.switchboard.kafka;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ServeProcess;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash the Kafka transport and the durable store exist for: every step in event mode on Kafka,
 * a few hundred orders placed over gRPC, the process killed with SIGKILL mid-stream (no shutdown
 * hook, no last commit), then started again on the same store. A client that got no answer places
 * its order again with the same idempotency key, as clients do. Every order must end in exactly one
 * terminal state, stock must add up, and no effect may have happened twice: checked through gRPC,
 * on the bridge topic, and in the store's own tables once the process has stopped.
 */
@DisplayName("a process killed mid-stream, all steps on Kafka")
class CrashRecoveryIT {

  private static final int ORDERS = 300;
  private static final int KILL_AFTER_TERMINAL = 30;
  private static final long PACE_MS = 20;
  private static final long STOCK = 200;
  private static final long PRICE = 100;
  private static final long OVER_LIMIT_PRICE = 50_000;
  private static final String SKU = "SKU-CRASH";

  private final Vertx client = Vertx.vertx();
  private final List<ServeProcess> processes = new ArrayList<>();

  @TempDir
  Path storeDirectory;

  @AfterEach
  void tearDown() throws InterruptedException {
    for (ServeProcess process : processes) {
      process.close();
    }
    Blocking.await(client.close());
  }

  @Test
  @DisplayName("every accepted order ends exactly once, stock adds up, nothing charged, shipped or notified twice")
  void killedAndRestarted() throws Exception {
    String prefix = "crash" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String bridgeTopic = prefix + ".orders.v1";
    List<String> args = List.of("serve",
        "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0", "--set", "http.host=127.0.0.1", "--set", "http.port=0",
        "--set", "store.path=" + storeDirectory,
        "--set", "kafka.bootstrap.servers=" + SharedKafka.bootstrapServers(),
        "--set", "topics.prefix=" + prefix, "--set", "bridge.topic=" + bridgeTopic,
        "--set", "defaults.mode=event", "--set", "defaults.transport=kafka",
        // the restarted consumers get the partitions once the killed ones' sessions expire
        "--set", "kafka.session.timeout.ms=6000", "--set", "kafka.heartbeat.interval.ms=1000",
        "--set", "inventory.stock." + SKU + "=" + STOCK, "--set", "payment.maxChargeCents=10000");

    // 1. Place orders against the first process and kill it once a good part of them is accepted.
    ServeProcess first = start("crash-recovery-first", args);
    CheckoutGrpcClient firstClient = new CheckoutGrpcClient(client, "127.0.0.1", first.awaitReady(60)[0]);
    List<PlaceOrderRequest> requests = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      requests.add(order(i % 10 == 9 ? OVER_LIMIT_PRICE : PRICE));
    }
    Map<String, String> orderIdByKey = new ConcurrentHashMap<>();
    List<Future<?>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicBoolean killed = new AtomicBoolean();
    // the first order goes all the way through, so the stream starts with every consumer assigned
    PlaceOrderRequest warmUp = requests.get(0);
    orderIdByKey.put(warmUp.getIdempotencyKey(), Blocking.await(firstClient.placeOrder(warmUp, "crash-warm-up")).getOrderId());
    Eventually.holds("the first order ends", Duration.ofSeconds(60), () ->
        terminalCount(firstClient, orderIdByKey.values()) == 1);
    // open loop: one order every PACE_MS on a timer, whatever the answers
    AtomicInteger next = new AtomicInteger(1);
    long placing = client.setPeriodic(PACE_MS, tick -> {
      int index = next.getAndIncrement();
      if (killed.get() || index >= requests.size()) {
        client.cancelTimer(tick);
        return;
      }
      PlaceOrderRequest request = requests.get(index);
      calls.add(firstClient.placeOrder(request, "crash-" + request.getIdempotencyKey())
          .onSuccess(answer -> orderIdByKey.put(request.getIdempotencyKey(), answer.getOrderId())));
    });
    // kill once checkouts are under way: some orders done, others in the middle of their saga
    AtomicInteger terminalBeforeKill = new AtomicInteger();
    Eventually.holds("orders reach their end in the first process", Duration.ofSeconds(60), Duration.ofMillis(200),
        () -> {
          terminalBeforeKill.set(terminalCount(firstClient, orderIdByKey.values()));
          return terminalBeforeKill.get() >= KILL_AFTER_TERMINAL;
        });
    killed.set(true);
    client.cancelTimer(placing);
    first.kill();
    Blocking.await(Future.join(calls).otherwiseEmpty());
    int acceptedBeforeKill = orderIdByKey.size();
    System.err.printf("crash recovery: %d of %d orders sent, %d accepted, %d terminal when SIGKILL came%n",
        calls.size() + 1, ORDERS, acceptedBeforeKill, terminalBeforeKill.get());
    assertThat(terminalBeforeKill.get()).as("orders terminal before the kill").isLessThan(acceptedBeforeKill);

    // 2. Start again on the same store and topics; clients without an answer place again with the same key.
    ServeProcess second = start("crash-recovery-second", args);
    int[] ports = second.awaitReady(60);
    CheckoutGrpcClient secondClient = new CheckoutGrpcClient(client, "127.0.0.1", ports[0]);
    for (PlaceOrderRequest request : requests) {
      if (!orderIdByKey.containsKey(request.getIdempotencyKey())) {
        PlaceOrderResponse answer = Blocking.await(secondClient.placeOrder(request, "crash-" + request.getIdempotencyKey()));
        orderIdByKey.put(request.getIdempotencyKey(), answer.getOrderId());
      }
    }
    assertThat(new HashSet<>(orderIdByKey.values())).as("one order per idempotency key").hasSize(ORDERS);

    // 3. Every order ends, once.
    Map<String, Order> terminal = new ConcurrentHashMap<>();
    Eventually.holds("every order is terminal", Duration.ofSeconds(120), () -> {
      for (String orderId : orderIdByKey.values()) {
        if (!terminal.containsKey(orderId)) {
          Order order = Blocking.await(secondClient.getOrder(orderId));
          if (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED
              || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED) {
            terminal.put(orderId, order);
          }
        }
      }
      return terminal.size() == ORDERS;
    });
    List<Order> confirmed = terminal.values().stream()
        .filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED).toList();
    Map<String, Long> rejections = terminal.values().stream()
        .filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED)
        .collect(java.util.stream.Collectors.groupingBy(order -> order.getReason().replaceAll("[0-9]+", "N"),
            java.util.stream.Collectors.counting()));
    System.err.println("crash recovery: rejections by reason " + rejections);
    // the crash shows in no outcome: orders are rejected for stock or the payment limit only
    assertThat(rejections.keySet()).as("rejection reasons").allMatch(reason ->
        reason.startsWith("inventory.reserve: insufficient stock") || reason.startsWith("payment.charge: payment declined"));
    assertThat(confirmed).as("confirmed orders").hasSizeBetween(1, (int) STOCK)
        .allMatch(order -> order.getTotalCents() == PRICE);
    assertThat(terminal.values()).filteredOn(order -> order.getTotalCents() == OVER_LIMIT_PRICE)
        .as("orders over the payment limit").allMatch(order -> order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED);
    Eventually.holds("the stock adds up and nothing stays reserved", Duration.ofSeconds(60), () -> {
      StockLevel level = Blocking.await(secondClient.getStock(SKU));
      return level.getAvailable() == STOCK - confirmed.size() && level.getReserved() == 0;
    });
    Map<String, Set<String>> terminalEvents = terminalEventsOnBridge(bridgeTopic, orderIdByKey.size());
    assertThat(terminalEvents).as("orders with terminal events on " + bridgeTopic).hasSize(ORDERS);
    terminalEvents.forEach((orderId, kinds) -> assertThat(kinds).as("terminal events of " + orderId)
        .containsExactly(terminal.get(orderId).getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED
            ? "switchboard.checkout.v1.OrderConfirmed" : "switchboard.checkout.v1.OrderRejected"));
    long resumed = second.output().stream().filter(line -> line.contains("resuming saga")).count();

    // 4. Stop it cleanly and read the store's own tables: no effect twice.
    second.stop();
    assertThat(second.output()).as("output of the second process").anyMatch(line -> line.contains("store closed"));
    try (Connection store = DriverManager.getConnection("jdbc:h2:file:" + storeDirectory.resolve("switchboard"));
         Statement sql = store.createStatement()) {
      assertThat(count(sql, "SELECT COUNT(*) FROM payment_charge WHERE payment_id IS NOT NULL"))
          .as("charges made").isEqualTo(confirmed.size());
      assertThat(count(sql, "SELECT COALESCE(SUM(amount_cents), 0) FROM payment_charge WHERE NOT refunded"))
          .as("cents captured").isEqualTo(confirmed.size() * PRICE);
      assertThat(count(sql, "SELECT COUNT(*) FROM shipping_shipment WHERE shipment_id IS NOT NULL"))
          .as("shipments scheduled").isEqualTo(confirmed.size());
      assertThat(count(sql, "SELECT COUNT(*) FROM inventory_order WHERE state = 'SOLD'"))
          .as("reservations sold").isEqualTo(confirmed.size());
      assertThat(count(sql, "SELECT COUNT(*) FROM notifications_sent WHERE kind IN ('CONFIRMED', 'REJECTED')"))
          .as("terminal notifications (one per order)").isEqualTo(ORDERS);
      assertThat(count(sql, "SELECT COUNT(*) FROM sb_saga WHERE open")).as("sagas left open").isZero();
      assertThat(count(sql, "SELECT COUNT(*) FROM sb_saga")).as("sagas").isEqualTo(ORDERS);
      System.err.printf("crash recovery: %d orders, %d accepted before the kill (%d of them terminal), %d placed "
              + "again after it, %d sagas resumed, %s pending orders placed again by the restarted process; %d confirmed, "
              + "%d rejected; %d processed-message records%n", ORDERS, acceptedBeforeKill, terminalBeforeKill.get(),
          ORDERS - acceptedBeforeKill, resumed, pendingPlacedAgain(second), confirmed.size(), ORDERS - confirmed.size(),
          count(sql, "SELECT COUNT(*) FROM sb_processed"));
    }
  }

  private static int terminalCount(CheckoutGrpcClient client, java.util.Collection<String> orderIds) {
    List<Future<Order>> reads = orderIds.stream().map(client::getOrder).toList();
    Blocking.await(Future.join(reads).otherwiseEmpty());
    return (int) reads.stream().filter(Future::succeeded).map(Future::result)
        .filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED
            || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED).count();
  }

  private ServeProcess start(String name, List<String> args) throws Exception {
    ServeProcess process = ServeProcess.launch(name, args);
    processes.add(process);
    return process;
  }

  private static PlaceOrderRequest order(long price) {
    return PlaceOrderRequest.newBuilder()
        .setCustomerId("customer-" + UUID.randomUUID())
        .addItems(LineItem.newBuilder().setSku(SKU).setQuantity(1).setUnitPriceCents(price))
        .setIdempotencyKey(UUID.randomUUID().toString())
        .build();
  }

  private static String pendingPlacedAgain(ServeProcess process) {
    return process.output().stream().filter(line -> line.contains("accepted orders still pending"))
        .map(line -> line.replaceAll(".*placed again (\\d+) .*", "$1")).findFirst().orElse("0");
  }

  private static long count(Statement sql, String query) throws SQLException {
    try (ResultSet row = sql.executeQuery(query)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The distinct terminal event types (by ce_id) per order on the bridge topic, read from the beginning. */
  private static Map<String, Set<String>> terminalEventsOnBridge(String topic, int orders) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-check-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, Set<String>> kinds = new HashMap<>();
    Set<String> ceIds = new HashSet<>();
    try (KafkaConsumer<String, String> consumer =
             new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (kinds.size() < orders && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          String type = header(record, "ce_type");
          if (type.endsWith("OrderConfirmed") || type.endsWith("OrderRejected")) {
            if (ceIds.add(header(record, "ce_id"))) {
              kinds.computeIfAbsent(record.key(), key -> new HashSet<>()).add(type);
            }
          }
        }
      }
      // anything a re-run might have added after the last order showed up
      consumer.poll(Duration.ofSeconds(2)).forEach(record -> {
        String type = header(record, "ce_type");
        if ((type.endsWith("OrderConfirmed") || type.endsWith("OrderRejected")) && ceIds.add(header(record, "ce_id"))) {
          kinds.computeIfAbsent(record.key(), key -> new HashSet<>()).add(type);
        }
      });
    }
    return kinds;
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
