package dev.switchboard.node;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.LoggerFactory;

/**
 * {@code %instance} in the log pattern: this process's {@code instance.id} followed by a space, on every
 * line whatever thread wrote it, once {@link #show} has named it; nothing before that (and in commands
 * that run several nodes in one JVM, such as {@code demo} and {@code experiment}, which never call it).
 * The id is a property of the logging context, not an MDC entry: it belongs to the process, not to a
 * thread, so no Vert.x thread has to be told.
 */
public final class InstanceLogConverter extends ClassicConverter {

  /** The logging context property the converter prints. */
  public static final String PROPERTY = "switchboard.instance";

  /** Names {@code instance} in every log line from now on (one node per process: {@code serve}). */
  public static void show(String instance) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.putProperty(PROPERTY, instance);
    }
  }

  @Override
  public String convert(ILoggingEvent event) {
    String instance = event.getLoggerContextVO().getPropertyMap().get(PROPERTY);
    return instance == null ? "" : instance + " ";
  }
}
