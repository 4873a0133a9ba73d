package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/** A node's management port over real HTTP, for tests: JSON in, status and body out. */
public final class ManagementClient implements AutoCloseable {

  private static final long TIMEOUT_MS = 10_000;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent http = vertx.createHttpClient();
  private final int port;
  private final String token;

  /** A client sending {@code token} as {@code Authorization: Bearer} (none if null). */
  public ManagementClient(int port, String token) {
    this.port = port;
    this.token = token;
  }

  /** The base address, {@code http://127.0.0.1:port}. */
  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public Response get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public Response put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body.encode());
  }

  public Response post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body.encode());
  }

  /** The entry of {@code GET /operations} for one operation. */
  public JsonObject operation(String name) {
    JsonArray all = new JsonArray(get("/operations").body());
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getString("operation").equals(name)) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("no " + name + " in GET /operations");
  }

  /** Flips an operation's mode through {@code PUT /operations/{name}/mode}; fails unless answered 200. */
  public JsonObject flip(String operation, String mode) {
    Response response = put("/operations/" + operation + "/mode", new JsonObject().put("mode", mode));
    if (response.status() != 200) {
      throw new AssertionError("flip of " + operation + " to " + mode + " answered " + response);
    }
    return response.json();
  }

  private Response send(HttpMethod method, String path, String body) {
    return send(http, port, method, path, token, body);
  }

  /**
   * One request to a management port on 127.0.0.1 with {@code http}, with the bearer {@code token}
   * if not null; waits for the answer, body included.
   */
  public static Response send(HttpClientAgent http, int port, HttpMethod method, String path, String token,
                              String body) {
    return Blocking.await(http.request(method, port, "127.0.0.1", path)
        .compose(request -> {
          if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
          }
          // the body is read inside the composition (eclipse-vertx/vert.x#4705)
          return (body == null ? request.send() : request.send(body)).compose(response -> response.body()
              .map(received -> new Response(response.statusCode(), received.toString(), response.headers())));
        })
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    Blocking.await(http.close());
    Blocking.await(vertx.close());
  }

  /** A status, a body and the response's headers. */
  public record Response(int status, String body, MultiMap headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The header's value, or null. */
    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", body=" + body + "]";
    }
  }
}
