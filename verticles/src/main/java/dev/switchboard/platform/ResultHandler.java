package dev.switchboard.platform;

/** Receives the result events of an operation invoked in event mode. */
@FunctionalInterface
public interface ResultHandler<R> {
  void handle(OperationResult<R> result);
}
