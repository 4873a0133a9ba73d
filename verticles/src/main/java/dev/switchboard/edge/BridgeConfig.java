package dev.switchboard.edge;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The Kafka bridge: order domain events out to {@code bridge.topic} as CloudEvents, place-order
 * commands in from {@code bridge.commandTopic} with replies to the {@code reply-topic} header's topic
 * (or {@code bridge.replyTopic}).
 *
 * @param enabled       {@code bridge.enabled}: default on when {@code kafka.bootstrap.servers} is set
 * @param topic         {@code bridge.topic}: where domain events go (default {@code switchboard.orders.v1})
 * @param format        {@code bridge.format}: {@code json} (protobuf JSON mapping) or {@code protobuf}
 * @param source        {@code bridge.source}: the CloudEvents {@code source} attribute
 * @param commandTopic  {@code bridge.commandTopic}: PlaceOrderRequest commands (JSON) from outside
 * @param replyTopic    {@code bridge.replyTopic}: where replies go when a command names none
 * @param replyTopics   {@code bridge.replyTopics}: the topics a command's {@code reply-topic} header may
 *                      name, regular expressions separated by commas, each matching the whole name
 *                      (default: {@code bridge.replyTopic} exactly)
 * @param sendAttempts  {@code bridge.sendAttempts}: how often a reply or a dead letter is tried before
 *                      the bridge gives up on it (a reply: dead-lettered instead)
 * @param sendBackoffMs {@code bridge.sendBackoffMs}: the wait before the second attempt, doubling after
 */
public record BridgeConfig(boolean enabled, String topic, Format format, String source, String commandTopic,
                           String replyTopic, List<Pattern> replyTopics, int sendAttempts, long sendBackoffMs) {

  /** The payload of an outgoing event. */
  public enum Format {
    JSON, PROTOBUF
  }

  public static final String REPLY_TOPICS = "bridge.replyTopics";
  public static final Set<String> KEYS = Set.of("bridge.enabled", "bridge.topic", "bridge.format", "bridge.source",
      "bridge.commandTopic", "bridge.replyTopic", REPLY_TOPICS, "bridge.sendAttempts", "bridge.sendBackoffMs");

  public BridgeConfig {
    replyTopics = List.copyOf(replyTopics);
  }

  public static BridgeConfig from(Settings settings) {
    boolean kafkaGiven = !settings.getString("kafka.bootstrap.servers", "").isBlank();
    boolean enabled = settings.getBoolean("bridge.enabled", kafkaGiven);
    if (enabled && !kafkaGiven) {
      throw new ConfigException("bridge.enabled", "true", "the bridge needs kafka.bootstrap.servers");
    }
    String replyTopic = settings.getString("bridge.replyTopic", "switchboard.orders.replies.v1");
    return new BridgeConfig(enabled,
        settings.getString("bridge.topic", "switchboard.orders.v1"),
        settings.getEnum("bridge.format", Format.class, Format.JSON),
        settings.getString("bridge.source", "/switchboard/checkout"),
        settings.getString("bridge.commandTopic", "switchboard.orders.commands.v1"),
        replyTopic,
        patterns(settings.getString(REPLY_TOPICS, Pattern.quote(replyTopic))),
        settings.getInt("bridge.sendAttempts", 5, 1, 100),
        settings.getLong("bridge.sendBackoffMs", 200, 0, 60_000));
  }

  /** Whether a command may ask for its reply on {@code topic}: one of {@link #replyTopics} matches it whole. */
  public boolean replyTopicAllowed(String topic) {
    return replyTopics.stream().anyMatch(pattern -> pattern.matcher(topic).matches());
  }

  private static List<Pattern> patterns(String value) {
    List<Pattern> patterns = new ArrayList<>();
    for (String regex : value.split(",")) {
      if (regex.isBlank()) {
        throw new ConfigException(REPLY_TOPICS, value,
            "one or more regular expressions of reply topic names, separated by commas, none empty");
      }
      try {
        patterns.add(Pattern.compile(regex.trim()));
      } catch (PatternSyntaxException e) {
        throw new ConfigException(REPLY_TOPICS, value, "'" + regex.trim() + "' is not a regular expression ("
            + e.getDescription() + " at index " + e.getIndex() + ")");
      }
    }
    return patterns;
  }
}
