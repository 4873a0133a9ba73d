package dev.switchboard.node;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("instance.id names the process among the replicas")
class InstanceIdTest {

  @Test
  @DisplayName("is taken as set when it is a valid tag, log field and header value")
  void asSet() {
    assertThat(InstanceId.from(Settings.of(Map.of("instance.id", " payment-2 ")), 8181)).isEqualTo("payment-2");
    assertThat(InstanceId.from(Settings.of(Map.of("instance.id", "orders-1.eu_west:8080")), 0))
        .isEqualTo("orders-1.eu_west:8080");
  }

  @Test
  @DisplayName("defaults to <host>:<http.port>, the same at every start on that port")
  void defaultsToHostAndPort() {
    String id = InstanceId.from(Settings.empty(), 8080);

    assertThat(id).matches("[a-z0-9][a-z0-9.-]*:8080").isEqualTo(InstanceId.from(Settings.empty(), 8080));
    assertThat(InstanceId.from(Settings.empty(), 8181)).isEqualTo(id.replace(":8080", ":8181"));
  }

  @Test
  @DisplayName("defaults to <host>-<pid> when the management port is picked at start (http.port 0)")
  void freePortDefaultsToPid() {
    assertThat(InstanceId.from(Settings.empty(), 0)).matches("[a-z0-9][a-z0-9.-]*-\\d+")
        .endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  @DisplayName("refuses an empty value with the key, the value and what is allowed")
  void refusesEmpty() {
    assertThatThrownBy(() -> InstanceId.from(Settings.of(Map.of("instance.id", "")), 8080))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instance.id = ''").hasMessageContaining("leave it unset for <host>:<http.port>");
  }
}
