package dev.switchboard.platform.transport;

/**
 * Start-up found a member of one of this process's Kafka consumer groups with a store other than this
 * process's ({@link ReplicaCheck}); the message names the group, that member and what is allowed.
 */
public final class UnsafeReplicasException extends RuntimeException {

  UnsafeReplicasException(String message) {
    super(message);
  }
}
