package dev.switchboard.platform.saga;

/**
 * The persisted state of one saga instance. A saga lives here between steps, not in a pending
 * callback: whoever holds the record can continue it, after a restart too.
 *
 * @param sagaId        the instance id (the aggregate id, such as the order id)
 * @param saga          the definition's name
 * @param status        where it is
 * @param step          the forward step awaited (RUNNING) or the step being compensated (COMPENSATING)
 * @param attempt       the attempt of the current compensation (0 for the first)
 * @param data          the definition's data as protobuf bytes
 * @param reason        why it is compensating or failed; empty while all goes well
 * @param correlationId the correlation id of the business transaction
 * @param startedAtMs   epoch millis when it started
 * @param updatedAtMs   epoch millis of the last change
 * @param version       incremented by every stored change (optimistic concurrency)
 * @param redrives      how often the sweeper has sent the awaited step again without an outcome
 */
public record SagaRecord(String sagaId, String saga, SagaStatus status, int step, int attempt, byte[] data,
                         String reason, String correlationId, long startedAtMs, long updatedAtMs, long version,
                         int redrives) {

  public static SagaRecord start(String sagaId, String saga, byte[] data, String correlationId, long nowMs) {
    return new SagaRecord(sagaId, saga, SagaStatus.RUNNING, 0, 0, data, "", correlationId, nowMs, nowMs, 0, 0);
  }

  /** The next state: a step moved, so the count of re-sends starts again. */
  SagaRecord advance(SagaStatus nextStatus, int nextStep, int nextAttempt, byte[] nextData, String nextReason,
                     long nowMs) {
    return new SagaRecord(sagaId, saga, nextStatus, nextStep, nextAttempt, nextData, nextReason, correlationId,
        startedAtMs, nowMs, version, 0);
  }

  /** The same state, driven again by the sweeper at {@code nowMs}. */
  SagaRecord redriven(long nowMs) {
    return new SagaRecord(sagaId, saga, status, step, attempt, data, reason, correlationId, startedAtMs, nowMs,
        version, redrives + 1);
  }

  /** The same state, touched at {@code nowMs} (an end hook about to run again). */
  SagaRecord touched(long nowMs) {
    return new SagaRecord(sagaId, saga, status, step, attempt, data, reason, correlationId, startedAtMs, nowMs,
        version, redrives);
  }
}
