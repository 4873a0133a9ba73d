package dev.switchboard.platform;

import io.vertx.core.Future;

/**
 * The code of an operation, written once: it takes the request and the call context and completes
 * with the reply, or fails with an {@link OperationException}. It never knows whether its caller
 * waits for the reply or receives it as a result event.
 */
@FunctionalInterface
public interface OperationHandler<Q, R> {
  Future<R> handle(Q request, CallContext context);
}
