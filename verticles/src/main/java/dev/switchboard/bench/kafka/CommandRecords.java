package dev.switchboard.bench.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The size of the records the transport wrote, read back from its topic with a plain Kafka consumer:
 * key, value and headers (names and values), the bytes a record carries before Kafka's own framing.
 * Kafka's {@code ProducerPerformance} sends records of one size with no key and no headers; it is
 * given this size as its value size, so both sides put the same bytes on the wire per record.
 *
 * @param records     how many records were read
 * @param keyBytes    their mean key size
 * @param valueBytes  their mean value size (the command's protobuf bytes)
 * @param headerBytes their mean header size (names and values)
 * @param headers     the headers of the first record read, by name
 */
record CommandRecords(int records, double keyBytes, double valueBytes, double headerBytes, List<String> headers) {

  /** Key, value and headers: the bytes of a record before Kafka's framing, rounded. */
  int totalBytes() {
    return (int) Math.round(keyBytes + valueBytes + headerBytes);
  }

  /** Reads up to {@code wanted} records from the start of {@code topic}, for at most {@code within}. */
  static CommandRecords read(String bootstrapServers, String topic, int wanted, Duration within) {
    Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers, "enable.auto.commit", "false",
        "key.deserializer", ByteArrayDeserializer.class.getName(),
        "value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, within).stream()
          .map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long read = 0;
      long keys = 0;
      long values = 0;
      long headers = 0;
      List<String> names = List.of();
      long deadline = System.nanoTime() + within.toNanos();
      while (read < wanted && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (read == 0) {
            names = java.util.stream.StreamSupport.stream(record.headers().spliterator(), false).map(Header::key)
                .toList();
          }
          read++;
          keys += record.key() == null ? 0 : record.key().length;
          values += record.value() == null ? 0 : record.value().length;
          for (Header header : record.headers()) {
            headers += header.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + (header.value() == null ? 0 : header.value().length);
          }
        }
      }
      if (read == 0) {
        throw new IllegalStateException("no record of " + topic + " could be read back within " + within.toSeconds()
            + " s to learn the size of the transport's records");
      }
      return new CommandRecords((int) read, keys / (double) read, values / (double) read, headers / (double) read,
          names);
    }
  }
}
