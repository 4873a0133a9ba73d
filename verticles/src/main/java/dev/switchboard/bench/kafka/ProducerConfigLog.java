package dev.switchboard.bench.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a Kafka producer created while this listens really runs with, as the Kafka client
 * logs them on creation ("ProducerConfig values: …", every setting, defaults included). The transport
 * keeps its producer to itself; the bench reads its settings here so that the baseline is given the
 * same acks and idempotence, and the report states what each side ran with, whatever the transport's
 * code or a {@code kafka.*} override chose.
 */
final class ProducerConfigLog implements AutoCloseable {

  private static final Pattern SETTING = Pattern.compile("(?m)^\\s+([a-z][a-z0-9.]*) = (.*?)\\s*$");

  private final Logger logger;
  private final Level previousLevel;
  private final boolean previouslyAdditive;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      if (event.getFormattedMessage().startsWith("ProducerConfig values")) {
        messages.add(event.getFormattedMessage());
      }
    }
  };

  private ProducerConfigLog(Logger logger) {
    this.logger = logger;
    this.previousLevel = logger == null ? null : logger.getLevel();
    this.previouslyAdditive = logger == null || logger.isAdditive();
    if (logger != null) {
      appender.setName("bench-producer-config");
      appender.start();
      logger.addAppender(appender);
      if (!logger.isInfoEnabled()) {
        // heard here only: the page of settings is not also printed among the bench's progress
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
      }
    }
  }

  /** Listens from now on (nothing is heard when the logging backend is not Logback). */
  static ProducerConfigLog listen() {
    return new ProducerConfigLog(LoggerFactory.getLogger(ProducerConfig.class) instanceof Logger logback
        ? logback : null);
  }

  /** The settings of the first producer created since {@link #listen}, if one was heard. */
  Optional<Map<String, String>> first() {
    return messages.stream().findFirst().map(ProducerConfigLog::settings);
  }

  static Map<String, String> settings(String message) {
    Map<String, String> settings = new LinkedHashMap<>();
    Matcher setting = SETTING.matcher(message);
    while (setting.find()) {
      settings.put(setting.group(1), setting.group(2));
    }
    return settings;
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.detachAppender(appender);
      appender.stop();
      logger.setLevel(previousLevel);
      logger.setAdditive(previouslyAdditive);
    }
  }
}
