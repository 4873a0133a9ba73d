package dev.switchboard.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("%instance in the log pattern prints the process's instance.id on every line, from any thread")
class InstanceLogConverterTest {

  private final LoggerContext context = new LoggerContext();

  private String format(String threadName) throws InterruptedException {
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    Map<String, String> rules = new HashMap<>();
    rules.put("instance", InstanceLogConverter.class.getName());
    context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
    layout.setPattern("%level %instance[%thread] %msg");
    layout.start();
    String[] line = new String[1];
    Thread writer = new Thread(() -> line[0] = layout.doLayout(new LoggingEvent(getClass().getName(),
        context.getLogger("test"), Level.INFO, "ready", null, null)), threadName);
    writer.start();
    writer.join();
    return line[0];
  }

  @Test
  @DisplayName("prints nothing until the process is named")
  void nothingBeforeNamed() throws InterruptedException {
    assertThat(format("main")).isEqualTo("INFO [main] ready");
  }

  @Test
  @DisplayName("prints the id before the thread once named, on threads that were never told")
  void idOnEveryThread() throws InterruptedException {
    context.putProperty(InstanceLogConverter.PROPERTY, "payment-2");

    assertThat(format("vert.x-eventloop-thread-1")).isEqualTo("INFO payment-2 [vert.x-eventloop-thread-1] ready");
    assertThat(format("vert.x-kafka-consumer-thread-3")).isEqualTo("INFO payment-2 [vert.x-kafka-consumer-thread-3] ready");
  }
}
