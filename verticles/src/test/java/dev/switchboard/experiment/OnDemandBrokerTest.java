package dev.switchboard.experiment;

import dev.switchboard.platform.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run learns before its first variant that the local broker a Kafka variant needs cannot start. */
@DisplayName("the on-demand Kafka broker's up-front check")
class OnDemandBrokerTest {

  private final AtomicInteger lookedUp = new AtomicInteger();

  private OnDemandBroker brokerWithoutLib() {
    return new OnDemandBroker(() -> {
      lookedUp.incrementAndGet();
      throw new IOException("no local Kafka broker classpath at [kafka-dev/target/lib]: build it with ./mvnw package");
    });
  }

  @Test
  @DisplayName("a variant on Kafka with no bootstrap servers fails at once, saying where the broker was looked for")
  void kafkaVariantWithoutBrokerFails() {
    try (OnDemandBroker broker = brokerWithoutLib()) {
      assertThatThrownBy(() -> broker.checkFor(Settings.of(Map.of("inventory.reserve.transport", "kafka"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("kafka-dev/target/lib")
          .hasMessageContaining("./mvnw package");
      assertThatThrownBy(() -> broker.checkFor(Settings.of(Map.of("defaults.transport", " Kafka "))))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(lookedUp).hasValue(2);
  }

  @Test
  @DisplayName("a variant that needs no local broker is not held up by its absence")
  void variantsWithoutLocalBrokerPass() {
    try (OnDemandBroker broker = brokerWithoutLib()) {
      broker.checkFor(Settings.of(Map.of("defaults.transport", "local")));
      broker.checkFor(Settings.of(Map.of("defaults.transport", "kafka", "kafka.bootstrap.servers", "10.0.0.7:9092")));
    }
    assertThat(lookedUp).hasValue(0);
  }
}
