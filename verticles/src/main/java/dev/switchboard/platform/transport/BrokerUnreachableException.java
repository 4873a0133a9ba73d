package dev.switchboard.platform.transport;

import dev.switchboard.platform.config.KafkaSettings;

/**
 * No Kafka broker answered at {@code kafka.bootstrap.servers} within {@code startup.kafkaTimeoutMs}
 * (or the client refused the address). The message names the key, the value and what to do.
 */
public final class BrokerUnreachableException extends RuntimeException {

  BrokerUnreachableException(KafkaSettings settings, Throwable cause) {
    super(message(settings, cause), cause);
  }

  private static String message(KafkaSettings settings, Throwable cause) {
    String key = KafkaSettings.PREFIX + "." + KafkaSettings.BOOTSTRAP_SERVERS;
    String why = timedOut(cause)
        ? "no broker answered within " + settings.startupTimeoutMs() + " ms (" + KafkaSettings.STARTUP_TIMEOUT_KEY + ")"
        : "the Kafka client could not reach a broker (" + cause.getMessage() + ")";
    return key + " " + settings.bootstrapServers() + ": " + why
        + "; start the broker, or give the address of a running one";
  }

  private static boolean timedOut(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.util.concurrent.TimeoutException
          || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
