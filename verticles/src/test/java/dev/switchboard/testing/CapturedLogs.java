package dev.switchboard.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Every log line written while it is open, the platform's at DEBUG: for tests that a secret never
 * appears in a log line, or that a change leaves its audit line. Closing puts the level back.
 */
public final class CapturedLogs implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger platform = (Logger) LoggerFactory.getLogger("dev.switchboard");
  private final Level before = platform.getLevel();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

  public CapturedLogs() {
    captured.start();
    root.addAppender(captured);
    platform.setLevel(Level.DEBUG);
  }

  /** The formatted messages so far. */
  public List<String> lines() {
    return List.copyOf(captured.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    root.detachAppender(captured);
    platform.setLevel(before);
  }
}
