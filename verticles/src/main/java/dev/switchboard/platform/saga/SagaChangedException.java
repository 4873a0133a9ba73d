package dev.switchboard.platform.saga;

/**
 * A saga's stored version is not the one its change was based on: another replica (or another
 * path of this one) stored a step first. The change was not made; reload and decide again.
 */
final class SagaChangedException extends RuntimeException {

  SagaChangedException(String sagaId, long version) {
    super("saga " + sagaId + " changed concurrently (expected version " + version + ")", null, false, false);
  }
}
