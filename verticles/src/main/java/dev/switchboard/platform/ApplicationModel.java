package dev.switchboard.platform;

import dev.switchboard.platform.saga.SagaOutline;

import java.util.List;
import java.util.Optional;

/**
 * What the application declares, read without starting anything: its operations, each with how its
 * handler is served ({@link Handling}), and its sagas (the operations each invokes, with their
 * compensations, and the operation that starts it). The pre-flip check weighs a configuration
 * against it.
 *
 * @param operations every declared operation
 * @param sagas      every saga the application runs
 */
public record ApplicationModel(OperationCatalog operations, List<SagaOutline> sagas) {

  public ApplicationModel {
    java.util.Objects.requireNonNull(operations);
    sagas = List.copyOf(sagas);
    for (SagaOutline saga : sagas) {
      saga.startedBy().ifPresent(name -> require(operations, saga, name));
      for (SagaOutline.Step step : saga.steps()) {
        require(operations, saga, step.operation());
        step.compensation().ifPresent(name -> require(operations, saga, name));
      }
    }
  }

  private static void require(OperationCatalog operations, SagaOutline saga, String operation) {
    if (operations.find(operation).isEmpty()) {
      throw new IllegalArgumentException("saga " + saga.saga() + " names operation " + operation
          + ", which is not declared; declared are " + operations.names());
    }
  }

  /** How the handler of a declared operation is served. */
  public Handling handling(String operation) {
    return operations.find(operation).map(Operation::handling).orElseThrow(() -> new IllegalArgumentException(
        "operation " + operation + " is not declared"));
  }

  /** The sagas that {@code operation}'s handler starts. */
  public List<SagaOutline> sagasStartedBy(String operation) {
    return sagas.stream().filter(saga -> saga.startedBy().equals(Optional.of(operation))).toList();
  }
}
