package dev.switchboard.platform.transport;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.function.Function;

/** Carries an operation in rpc mode: a request that waits for its reply or fails. */
public interface RpcTransport {

  /** Sends the request and completes with the reply body, or fails (timeout, unavailable, handler error). */
  Future<Buffer> request(String operation, Envelope request, long timeoutMs);

  /** Serves the operation: every request is handed to {@code handler}, whose outcome is the reply. */
  Future<Void> serve(String operation, Function<Envelope, Future<Buffer>> handler);
}
