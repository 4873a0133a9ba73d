package dev.switchboard.bench.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import dev.switchboard.bench.BenchContext;
import dev.switchboard.bench.BenchSuite;
import dev.switchboard.bench.Comparison;
import dev.switchboard.bench.Curve;
import dev.switchboard.bench.Median;
import dev.switchboard.bench.SuiteResult;
import dev.switchboard.experiment.LocalKafkaProcess;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench kafka}: event mode on the Kafka transport against Apache Kafka's own perf tools, on one
 * broker, in one run.
 * <ul>
 *   <li>throughput: commands of an event-mode operation nobody consumes, published through
 *       {@code KafkaEventTransport} ({@link CommandPublisher}: acknowledged by the broker per second) vs
 *       {@code ProducerPerformance} with the transport producer's own acks and idempotence (read from
 *       what that producer logs it runs with: {@link ProducerConfigLog}), records of the size the
 *       transport's records have, key and headers included ({@link CommandRecords}), on a topic of as
 *       many partitions; rounds alternate, the median counts; goal ≥ 0.8×;</li>
 *   <li>latency: command → result round trips one at a time ({@link RoundTrips}) vs
 *       {@code EndToEndLatency} (produce → consume, one hop) with the same acks; goal p99 ≤ 2×.</li>
 * </ul>
 * Kafka's tools run in JVMs of their own from {@code kafka-dev/target/lib} ({@link KafkaTool}); their
 * transcripts go to {@code <out>/kafka/}. The broker is a local one started for the run and stopped at
 * its end, unless the suite is given the address of one (the tests' shared broker).
 */
public final class KafkaSuite implements BenchSuite {

  private static final String PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance";
  private static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";
  /** Partitions of every topic of the run, the transport's and the baselines'. */
  private static final int PARTITIONS = 3;
  /** The command's payload: a protobuf BytesValue of this many bytes, about the size of a checkout command. */
  private static final int BODY_BYTES = 100;
  /** Invocations the publisher keeps in flight. */
  private static final int WINDOW = 10_000;
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String bootstrapServers;

  /** A suite that starts a local broker for its run ({@code kafka-dev}). */
  public KafkaSuite() {
    this(null);
  }

  /** A suite on the broker at {@code bootstrapServers}, or on a local one started for the run when null. */
  public KafkaSuite(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String description() {
    return "event-mode commands on the Kafka transport vs Kafka's ProducerPerformance (throughput) and"
        + " EndToEndLatency (round trip p99)";
  }

  /**
   * The counts of a run, full or quick. A throughput round sends as many records as the warm-up's rate
   * fills {@code roundSeconds} with (within {@code minPerRound} and {@code maxPerRound}), the same count
   * on both sides: long enough that the baseline's start (a fresh JVM, its first metadata and producer
   * id) weighs little in its figure, on a fast machine as on a loaded one.
   */
  private record Plan(int warmupCommands, int rounds, int roundSeconds, int minPerRound, int maxPerRound,
                      int warmupCalls, int calls, Duration toolTimeout) {

    static Plan of(BenchContext context) {
      return context.quick()
          ? new Plan(2_000, 1, 2, 5_000, 50_000, 10, 50, Duration.ofMinutes(2))
          : new Plan(30_000, 3, 15, 50_000, 3_000_000, 200, 1_000, Duration.ofMinutes(10));
    }

    int perRound(double warmupRate) {
      long filling = Math.round(warmupRate * roundSeconds / 1000) * 1000;
      return (int) Math.max(minPerRound, Math.min(maxPerRound, filling));
    }
  }

  @Override
  public SuiteResult run(BenchContext context) throws Exception {
    Plan plan = Plan.of(context);
    KafkaTool tools = KafkaTool.fromKafkaDev();
    LocalKafkaProcess broker = null;
    String servers = bootstrapServers;
    if (servers == null) {
      context.progress().accept("starting a local Kafka broker (kafka-dev)");
      broker = LocalKafkaProcess.start();
      servers = broker.bootstrapServers();
      context.progress().accept("broker on " + servers + ", ready in " + broker.startMillis() + " ms");
    }
    try {
      return measure(context, plan, tools, servers, broker != null);
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private SuiteResult measure(BenchContext context, Plan plan, KafkaTool tools, String servers, boolean ownBroker)
      throws Exception {
    String prefix = "bench-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    Path raw = context.out().resolve("kafka");
    byte[] payload = new byte[BODY_BYTES];
    new Random(42).nextBytes(payload);
    BytesValue body = BytesValue.of(ByteString.copyFrom(payload));
    List<String> notes = new ArrayList<>();
    List<Comparison> comparisons = new ArrayList<>();
    List<Curve> curves = new ArrayList<>();

    Map<String, String> producer;
    KafkaBenchNode node;
    try (ProducerConfigLog log = ProducerConfigLog.listen()) {
      node = KafkaBenchNode.start(servers, prefix, PARTITIONS);
      producer = log.first().orElse(Map.of());
    }
    try {
      String acks = acks(producer.getOrDefault(ProducerConfig.ACKS_CONFIG, "all"));
      String idempotence = producer.getOrDefault(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      String baselineTopic = prefix + ".producer-performance";
      String latencyTopic = prefix + ".end-to-end-latency";
      createTopics(servers, List.of(baselineTopic, latencyTopic, node.publishTopic(), node.echoTopic(),
          node.echoResultTopic()));

      // ---------------------------------------------------------------- throughput
      CommandPublisher publisher = new CommandPublisher(node.vertx(), node.switchboard(), body, WINDOW);
      context.progress().accept("warming up: " + plan.warmupCommands() + " commands through the transport");
      int perRound = plan.perRound(publisher.publish(0, plan.warmupCommands()).perSecond());
      CommandRecords records = CommandRecords.read(servers, node.publishTopic(), 500, Duration.ofSeconds(30));
      int recordBytes = records.totalBytes();
      double[] switchboardRates = new double[plan.rounds()];
      double[] baselineRates = new double[plan.rounds()];
      ProducerPerformanceReport lastBaseline = null;
      Map<String, Double> switchboardMetrics = Map.of();
      for (int round = 0; round < plan.rounds(); round++) {
        CommandPublisher.Run run = publisher.publish(plan.warmupCommands() + (long) round * perRound, perRound);
        switchboardRates[round] = run.perSecond();
        switchboardMetrics = ProducerMetrics.of(producer.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, ""));
        context.progress().accept(String.format(Locale.ROOT, "round %d: Switchboard %,.0f commands/s", round + 1,
            run.perSecond()));
        lastBaseline = ProducerPerformanceReport.parse(tools.run(PRODUCER_PERFORMANCE, List.of(
                "--topic", baselineTopic, "--num-records", Integer.toString(perRound),
                "--throughput", "-1", "--record-size", Integer.toString(recordBytes), "--print-metrics",
                "--producer-props", "bootstrap.servers=" + servers, "acks=" + acks,
                "enable.idempotence=" + idempotence),
            plan.toolTimeout(), raw.resolve("producer-performance-" + (round + 1) + ".txt")));
        baselineRates[round] = lastBaseline.recordsPerSec();
        context.progress().accept(String.format(Locale.ROOT, "round %d: ProducerPerformance %,.0f records/s",
            round + 1, lastBaseline.recordsPerSec()));
      }
      comparisons.add(new Comparison(name(), "publish throughput", "records/s",
          "event-mode commands acked via KafkaEventTransport", Median.of(switchboardRates),
          "ProducerPerformance, same acks/size/partitions", Median.of(baselineRates), Comparison.Goal.atLeast(0.8)));
      curves.add(rounds("Switchboard: commands acknowledged", switchboardRates));
      curves.add(rounds("ProducerPerformance: records acknowledged", baselineRates));

      // ---------------------------------------------------------------- latency
      RoundTrips roundTrips = new RoundTrips(node.vertx(), node.switchboard(), body);
      roundTrips.serve();
      context.progress().accept("warming up: " + plan.warmupCalls() + " command → result round trips");
      roundTrips.measure(plan.warmupCalls());
      Histogram trips = roundTrips.measure(plan.calls());
      context.progress().accept(String.format(Locale.ROOT, "Switchboard round trip p50 %.2f ms, p99 %.2f ms",
          millis(trips, 50), millis(trips, 99)));
      EndToEndLatencyReport endToEnd = EndToEndLatencyReport.parse(tools.run(END_TO_END_LATENCY, List.of(
              servers, latencyTopic, Integer.toString(plan.calls()), acks, Integer.toString(recordBytes)),
          plan.toolTimeout(), raw.resolve("end-to-end-latency.txt")));
      context.progress().accept(String.format(Locale.ROOT, "EndToEndLatency p50 %d ms, p99 %d ms", endToEnd.p50Ms(),
          endToEnd.p99Ms()));
      String switchboardTrip = "call(): command → echo handler → result";
      String baselineTrip = "EndToEndLatency: produce → consume";
      comparisons.add(new Comparison(name(), "round-trip p99", "ms", switchboardTrip, millis(trips, 99),
          baselineTrip, endToEnd.p99Ms(), Comparison.Goal.atMost(2.0)));
      comparisons.add(new Comparison(name(), "round-trip p50", "ms", switchboardTrip, millis(trips, 50),
          baselineTrip, endToEnd.p50Ms(), null));
      comparisons.add(new Comparison(name(), "round-trip mean", "ms", switchboardTrip, trips.getMean() / 1000.0,
          baselineTrip, endToEnd.avgMs(), null));
      curves.add(new Curve("kafka-round-trip", "Switchboard: command → result", NINES, "round trip (ms)",
          List.of(nines(50, millis(trips, 50)), nines(90, millis(trips, 90)), nines(99, millis(trips, 99)),
              nines(99.9, millis(trips, 99.9)))));
      curves.add(new Curve("kafka-round-trip", "EndToEndLatency: produce → consume", NINES, "round trip (ms)",
          List.of(nines(50, endToEnd.p50Ms()), nines(99, endToEnd.p99Ms()), nines(99.9, endToEnd.p999Ms()))));

      notes.addAll(KafkaNotes.of(new KafkaNotes.Facts(servers, ownBroker, PARTITIONS, producer, acks, idempotence,
          records, BODY_BYTES, WINDOW, plan.warmupCommands(), plan.rounds(), perRound, plan.roundSeconds(),
          switchboardMetrics, lastBaseline, plan.warmupCalls(), plan.calls(), raw)));
    } finally {
      node.close();
    }
    return new SuiteResult(name(), comparisons, curves, notes);
  }

  /** Kafka logs acks=all as -1. */
  private static String acks(String logged) {
    return "-1".equals(logged.trim()) ? "all" : logged.trim();
  }

  /**
   * Creates the run's topics, the transport's included (it would create its own on first use), and
   * waits until the broker describes every partition with a leader and answers for each (its latest
   * offset is read): on a loaded machine a topic just created may have no partitions in the metadata
   * yet, and a reader assigned its partitions then (the transport's tail of a result topic) would read
   * nothing; and an idempotent producer whose first request a partition's leader refused can lose the
   * whole batch (KAFKA-15591: the records expire after the delivery timeout; seen here, 66 records).
   */
  private static void createTopics(String servers, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
      admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, PARTITIONS, (short) 1)).toList())
          .all().get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!described(admin, topics)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker at " + servers + " did not describe " + PARTITIONS
              + " partitions with a leader for each of " + topics + " within 60 s of creating them");
        }
        Thread.sleep(100);
      }
    }
  }

  private static boolean described(Admin admin, List<String> topics) throws Exception {
    try {
      boolean led = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
          .allMatch(topic -> topic.partitions().size() == PARTITIONS
              && topic.partitions().stream().allMatch(partition -> partition.leader() != null));
      if (!led) {
        return false;
      }
      Map<org.apache.kafka.common.TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      topics.forEach(topic -> IntStream.range(0, PARTITIONS)
          .forEach(partition -> latest.put(new org.apache.kafka.common.TopicPartition(topic, partition),
              OffsetSpec.latest())));
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException notYet) {
      return false;
    }
  }

  private static Curve rounds(String series, double[] rates) {
    List<Curve.Point> points = new ArrayList<>();
    for (int round = 0; round < rates.length; round++) {
      points.add(new Curve.Point(round + 1, rates[round]));
    }
    return new Curve("kafka-throughput", series, "round", "records/s", points);
  }

  /** The x axis of the round-trip plot: percentiles spaced by their nines, so p99 and p99.9 stand apart. */
  private static final String NINES = "percentile, in nines (0.3 = p50, 1 = p90, 2 = p99, 3 = p99.9)";

  private static Curve.Point nines(double percentile, double millis) {
    return new Curve.Point(-Math.log10(1 - percentile / 100), millis);
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }
}
