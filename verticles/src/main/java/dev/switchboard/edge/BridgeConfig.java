package dev.switchboard.edge;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;

import java.util.Set;

/**
 * The Kafka bridge: order domain events out to {@code bridge.topic} as CloudEvents, place-order
 * commands in from {@code bridge.commandTopic} with replies to the {@code reply-topic} header's topic
 * (or {@code bridge.replyTopic}).
 *
 * @param enabled      {@code bridge.enabled}: default on when {@code kafka.bootstrap.servers} is set
 * @param topic        {@code bridge.topic}: where domain events go (default {@code switchboard.orders.v1})
 * @param format       {@code bridge.format}: {@code json} (protobuf JSON mapping) or {@code protobuf}
 * @param source       {@code bridge.source}: the CloudEvents {@code source} attribute
 * @param commandTopic {@code bridge.commandTopic}: PlaceOrderRequest commands (JSON) from outside
 * @param replyTopic   {@code bridge.replyTopic}: where replies go when a command names none
 */
public record BridgeConfig(boolean enabled, String topic, Format format, String source, String commandTopic,
                           String replyTopic) {

  /** The payload of an outgoing event. */
  public enum Format {
    JSON, PROTOBUF
  }

  public static final Set<String> KEYS = Set.of("bridge.enabled", "bridge.topic", "bridge.format", "bridge.source",
      "bridge.commandTopic", "bridge.replyTopic");

  public static BridgeConfig from(Settings settings) {
    boolean kafkaGiven = !settings.getString("kafka.bootstrap.servers", "").isBlank();
    boolean enabled = settings.getBoolean("bridge.enabled", kafkaGiven);
    if (enabled && !kafkaGiven) {
      throw new ConfigException("bridge.enabled", "true", "the bridge needs kafka.bootstrap.servers");
    }
    return new BridgeConfig(enabled,
        settings.getString("bridge.topic", "switchboard.orders.v1"),
        settings.getEnum("bridge.format", Format.class, Format.JSON),
        settings.getString("bridge.source", "/switchboard/checkout"),
        settings.getString("bridge.commandTopic", "switchboard.orders.commands.v1"),
        settings.getString("bridge.replyTopic", "switchboard.orders.replies.v1"));
  }
}
