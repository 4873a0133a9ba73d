package dev.switchboard.platform;

/**
 * The consumer that took a message stopped before its handler ran (its service was stopped, as a
 * crash would): the work is dropped, not failed — no result, no retry, no dead letter — and the
 * message is handled by whoever consumes it next (a redelivery, a saga re-driving its step).
 */
final class ConsumerStoppedException extends RuntimeException {

  ConsumerStoppedException(String operation) {
    super(operation + ": the consumer stopped before the handler ran", null, false, false);
  }
}
