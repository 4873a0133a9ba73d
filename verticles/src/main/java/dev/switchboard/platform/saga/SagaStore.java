package dev.switchboard.platform.saga;

import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;

/** Where saga instances live between steps. */
public interface SagaStore {

  /** Stores a new instance; completes with {@code false} if one with that id exists already. */
  Future<Boolean> create(SagaRecord record);

  Future<Optional<SagaRecord>> load(String sagaId);

  /**
   * Replaces the instance if its stored version is {@code record.version()}; completes with the
   * stored record (version incremented) or fails if someone else changed it first.
   */
  Future<SagaRecord> update(SagaRecord record);

  /** Every instance that has not reached a terminal state, to resume after a restart. */
  Future<List<SagaRecord>> unfinished();
}
