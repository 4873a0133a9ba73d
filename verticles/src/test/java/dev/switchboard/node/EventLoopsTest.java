package dev.switchboard.node;

import dev.switchboard.platform.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("vertx.eventLoops: how many event-loop threads a node's Vert.x instance has")
class EventLoopsTest {

  @Test
  @DisplayName("auto, and the default, is half the processors and at least one")
  void auto() {
    int expected = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    assertThat(NodeConfig.eventLoops(Settings.empty())).isEqualTo(expected);
    assertThat(NodeConfig.eventLoops(Settings.of(Map.of(NodeConfig.EVENT_LOOPS, " auto ")))).isEqualTo(expected);
  }

  @Test
  @DisplayName("a number is taken as it is, into the node's configuration")
  void number() {
    assertThat(NodeConfig.eventLoops(Settings.of(Map.of(NodeConfig.EVENT_LOOPS, "3")))).isEqualTo(3);
    assertThat(NodeConfig.from(Settings.of(Map.of(NodeConfig.EVENT_LOOPS, "3", "store.path", ""))).eventLoops())
        .isEqualTo(3);
  }
}
