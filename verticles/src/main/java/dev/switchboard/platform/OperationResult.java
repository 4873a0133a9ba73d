package dev.switchboard.platform;

/**
 * The outcome of one handled command, as a result event carries it: the reply, or the failure.
 * The context is the command's, so the caller's attributes (a saga's id and step) come back.
 */
public record OperationResult<R>(CallContext context, R reply, OperationException failure) {

  public static <R> OperationResult<R> success(CallContext context, R reply) {
    return new OperationResult<>(context, reply, null);
  }

  public static <R> OperationResult<R> failure(CallContext context, OperationException failure) {
    return new OperationResult<>(context, null, failure);
  }

  public boolean succeeded() {
    return failure == null;
  }
}
