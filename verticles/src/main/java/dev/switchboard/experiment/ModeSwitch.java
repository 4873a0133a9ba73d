package dev.switchboard.experiment;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * Flips an operation's mode on a running node the way an operator does: {@code PUT
 * /operations/{name}/mode} on its management port over real HTTP, with its bearer token.
 */
final class ModeSwitch {

  private static final long TIMEOUT_MS = 5_000;

  private final HttpClientAgent http;
  private final String host;
  private final int port;
  private final String token;

  ModeSwitch(Vertx vertx, String host, int port, String token) {
    this.http = vertx.createHttpClient();
    this.host = host;
    this.port = port;
    this.token = token;
  }

  /** Completes once the node answered 200; fails with the status and the node's answer otherwise. */
  Future<Void> flip(String operation, String mode) {
    String path = "/operations/" + operation + "/mode";
    return http.request(HttpMethod.PUT, port, host, path)
        .compose(request -> request.putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("mode", mode).encode())
            // the body is read inside the composition (eclipse-vertx/vert.x#4705)
            .compose(response -> response.body().compose(body -> response.statusCode() == 200
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new IllegalStateException("PUT " + path + " answered " + response.statusCode()
                    + ": " + body)))))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  Future<Void> close() {
    return http.close();
  }
}
