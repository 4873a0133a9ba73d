package dev.switchboard.platform.saga;

import io.vertx.core.Future;

import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Saga instances in memory: enough for one process whose state may go with it. */
public final class InMemorySagaStore implements SagaStore {

  private final Map<String, SagaRecord> records = new ConcurrentHashMap<>();

  @Override
  public Future<Boolean> create(SagaRecord record) {
    return Future.succeededFuture(records.putIfAbsent(record.sagaId(), record) == null);
  }

  @Override
  public Future<Optional<SagaRecord>> load(String sagaId) {
    return Future.succeededFuture(Optional.ofNullable(records.get(sagaId)));
  }

  @Override
  public Future<SagaRecord> update(SagaRecord record) {
    SagaRecord stored = new SagaRecord(record.sagaId(), record.saga(), record.status(), record.step(),
        record.attempt(), record.data(), record.reason(), record.correlationId(), record.startedAtMs(),
        record.updatedAtMs(), record.version() + 1);
    boolean[] replaced = {false};
    records.computeIfPresent(record.sagaId(), (id, current) -> {
      if (current.version() != record.version()) {
        return current;
      }
      replaced[0] = true;
      return stored;
    });
    return replaced[0]
        ? Future.succeededFuture(stored)
        : Future.failedFuture(new ConcurrentModificationException("saga " + record.sagaId() + " changed concurrently"));
  }

  @Override
  public Future<List<SagaRecord>> unfinished() {
    return Future.succeededFuture(records.values().stream().filter(r -> !r.status().isTerminal()).toList());
  }
}
