package dev.switchboard.platform.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the Kafka transport reaches its broker. Every key under {@code kafka.} passes through to the
 * Kafka clients as it is ({@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, …);
 * {@code topics.*} say how the transport creates the topics it uses.
 *
 * @param clientConfig      the {@code kafka.*} keys without their prefix
 * @param topicPrefix       {@code topics.prefix}: the first part of derived topic and consumer group names
 * @param createTopics      {@code topics.create}: create missing topics at start-up (off where an operator owns them)
 * @param partitions        {@code topics.partitions}: partitions of a topic the transport creates
 * @param replicationFactor {@code topics.replicationFactor}: its replication factor
 * @param startupTimeoutMs  {@code startup.kafkaTimeoutMs}: how long start-up waits for a broker to
 *                          answer before it fails naming {@code kafka.bootstrap.servers} (not under
 *                          {@code kafka.}: those keys go to the Kafka clients as they are)
 */
public record KafkaSettings(Map<String, String> clientConfig, String topicPrefix, boolean createTopics,
                            int partitions, short replicationFactor, long startupTimeoutMs) {

  public static final String STARTUP_TIMEOUT_KEY = "startup.kafkaTimeoutMs";

  public static final String PREFIX = "kafka";
  public static final String DEFAULT_TOPIC_PREFIX = "switchboard";
  private static final java.util.regex.Pattern TOPIC_PART = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");

  static String topicPrefix(Settings settings) {
    String prefix = settings.getString("topics.prefix", DEFAULT_TOPIC_PREFIX);
    if (!TOPIC_PART.matcher(prefix).matches()) {
      throw new ConfigException("topics.prefix", prefix, "1 to 100 letters, digits, '.', '_' or '-'");
    }
    return prefix;
  }
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

  public static KafkaSettings from(Settings settings, boolean required) {
    Map<String, String> client = new LinkedHashMap<>();
    for (String key : settings.keysUnder(PREFIX)) {
      client.put(key, settings.getString(PREFIX + "." + key, ""));
    }
    if (required && client.getOrDefault(BOOTSTRAP_SERVERS, "").isBlank()) {
      throw new ConfigException(PREFIX + "." + BOOTSTRAP_SERVERS, client.getOrDefault(BOOTSTRAP_SERVERS, ""),
          "an operation uses transport kafka: give the broker addresses, such as 127.0.0.1:9092");
    }
    return new KafkaSettings(Map.copyOf(client), topicPrefix(settings), settings.getBoolean("topics.create", true),
        settings.getInt("topics.partitions", 3, 1, 10_000),
        (short) settings.getInt("topics.replicationFactor", 1, 1, Short.MAX_VALUE),
        settings.getLong(STARTUP_TIMEOUT_KEY, 15_000, 100, 600_000));
  }

  /** {@code kafka.bootstrap.servers}, as given. */
  public String bootstrapServers() {
    return clientConfig.getOrDefault(BOOTSTRAP_SERVERS, "");
  }

  /** The topic of a stream's domain events. */
  public String streamTopic(String stream) {
    return topicPrefix + "." + stream + ".v1";
  }

  /** The consumer group of an operation's consumers. */
  public String group(String operation) {
    return topicPrefix + "." + operation;
  }

  /** The client settings with secrets masked, for logs. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    clientConfig.forEach((key, value) -> shown.put(key,
        key.contains("password") || key.contains("jaas") || key.contains("secret") ? "*****" : value));
    return "KafkaSettings" + shown + " topics(prefix=" + topicPrefix + ", create=" + createTopics + ", partitions=" + partitions
        + ", replicationFactor=" + replicationFactor + ") startupTimeoutMs=" + startupTimeoutMs;
  }
}
