package dev.switchboard.bench.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a reader of the {@code kafka} suite's figures must know to trust them: the broker, the
 * producer settings of each side, the records each side sends, what "published" and "round trip"
 * mean on each side, and how each side batched.
 */
final class KafkaNotes {

  /** The producer settings the notes name, in this order. */
  private static final List<String> SETTINGS = List.of(ProducerConfig.ACKS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.BATCH_SIZE_CONFIG,
      ProducerConfig.COMPRESSION_TYPE_CONFIG, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
      ProducerConfig.BUFFER_MEMORY_CONFIG);

  private KafkaNotes() {
  }

  /** Everything the notes are made of. */
  record Facts(String servers, boolean ownBroker, int partitions, Map<String, String> switchboardProducer,
               String acks, String idempotence, CommandRecords records, int bodyBytes, int window,
               int warmupCommands, int rounds, int commandsPerRound, int roundSeconds,
               Map<String, Double> switchboardMetrics,
               ProducerPerformanceReport baseline, int warmupCalls, int calls, Path transcripts) {
  }

  static List<String> of(Facts facts) {
    List<String> notes = new ArrayList<>();
    notes.add((facts.ownBroker() ? "broker: one local single-node KRaft broker started for this run (kafka-dev), "
        : "broker: the one at ") + facts.servers() + "; every topic of the run has " + facts.partitions()
        + " partitions, replication factor 1; both sides on this machine, side by side");
    notes.add("Switchboard's producer (the transport's own, settings as it logged them): "
        + (facts.switchboardProducer().isEmpty() ? "(its settings were not heard; acks=" + facts.acks()
        + " and enable.idempotence=" + facts.idempotence() + " assumed, as the transport documents)"
        : describe(facts.switchboardProducer(), true))
        + "; records keyed by the aggregate id (the default partitioner hashes keys: several partitions per request)");
    notes.add("ProducerPerformance (Kafka's, in its own JVM from kafka-dev/target/lib): acks=" + facts.acks()
        + ", enable.idempotence=" + facts.idempotence() + " given as the transport's; otherwise Kafka's defaults: "
        + describe(defaults(), false) + "; no key (sticky partitioner: one partition's batch at a time), no headers");
    CommandRecords records = facts.records();
    notes.add(String.format(Locale.ROOT, "records: Switchboard's command records (mean of %d read back) carry a key"
            + " of %.0f B (the aggregate id), a value of %.0f B (a BytesValue of %d bytes) and %.0f B of headers (%s):"
            + " %d B; ProducerPerformance sends values of %d random bytes with no key and no headers, the same"
            + " bytes per record (Kafka frames a key and headers with a few bytes more; neither side compresses"
            + " unless its compression.type says so)",
        records.records(), records.keyBytes(), records.valueBytes(), facts.bodyBytes(), records.headerBytes(),
        String.join(", ", records.headers()), records.totalBytes(), records.totalBytes()));
    notes.add(String.format(Locale.ROOT, "published: an event-mode invocation on Kafka completes when the broker"
            + " has acknowledged the command record (KafkaEventTransport.send completes on the producer's callback),"
            + " so the rate counts commands from the first invocation to the last acknowledgement, up to %,d in"
            + " flight from one event loop; nobody consumes the command topic meanwhile (the echo consumer starts"
            + " after). %,d commands of warm-up first, then %d round(s) of %,d records each side (about %d s at the"
            + " warm-up's rate), alternating;"
            + " the median counts. ProducerPerformance starts a fresh JVM each round: its JIT warm-up is in its"
            + " figure", facts.window(), facts.warmupCommands(), facts.rounds(), facts.commandsPerRound(),
        facts.roundSeconds()));
    notes.add("producer metrics (Kafka's own, averages over its recent sample windows): Switchboard "
        + ProducerMetrics.describe(facts.switchboardMetrics()) + "; ProducerPerformance (last round) "
        + ProducerMetrics.describe(facts.baseline() == null ? Map.of() : facts.baseline().metrics()));
    notes.add(String.format(Locale.ROOT, "round trip: Switchboard's call() of an event-mode operation whose handler"
            + " answers with its request, one at a time after %,d warm-up calls, %,d measured: two Kafka hops"
            + " (command, result event), the consumer pipeline between them (message-id claim and processed record"
            + " in the in-memory H2 store) and the caller's tail of the result topic; EndToEndLatency: one hop,"
            + " send().get() with acks=%s then poll (its producer linger.ms=0, its consumer fetch.max.wait.ms=0),"
            + " %,d messages of %d B, no warm-up. EndToEndLatency prints percentiles in whole milliseconds, each"
            + " round trip truncated down (its mean is exact)", facts.warmupCalls(), facts.calls(), facts.acks(),
        facts.calls(), records.totalBytes()));
    notes.add("the Kafka tools' transcripts: " + facts.transcripts().toAbsolutePath());
    return notes;
  }

  /** Kafka's producer defaults (this Kafka client line's, the tools' line too). */
  private static Map<String, String> defaults() {
    Map<String, String> defaults = new java.util.LinkedHashMap<>();
    ProducerConfig.configDef().defaultValues().forEach((key, value) -> defaults.put(key, String.valueOf(value)));
    return defaults;
  }

  /** The {@link #SETTINGS} among {@code settings}, e.g. {@code linger.ms=1, batch.size=16384}. */
  private static String describe(Map<String, String> settings, boolean withAcks) {
    List<String> shown = new ArrayList<>();
    for (String key : SETTINGS) {
      boolean acksOrIdempotence = key.equals(ProducerConfig.ACKS_CONFIG)
          || key.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
      String value = settings.get(key);
      if (value != null && (withAcks || !acksOrIdempotence)) {
        shown.add(key + "=" + ("-1".equals(value) && key.equals(ProducerConfig.ACKS_CONFIG) ? "all" : value));
      }
    }
    return String.join(", ", shown);
  }
}
