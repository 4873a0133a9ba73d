package dev.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP to a node's management port from a test thread (the JDK's client, outside Vert.x), for
 * tests that read the port as an operator's browser or script would.
 */
public final class ManagementClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI base;

  public ManagementClient(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  public URI base() {
    return base;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  /** A {@code PUT} with a JSON body and, unless {@code token} is null, {@code Authorization: Bearer token}. */
  public HttpResponse<String> put(String path, String token, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  /** The operation's entry in {@code GET /operations}. */
  public JsonObject operation(String name) {
    HttpResponse<String> response = get("/operations");
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /operations answered " + response.statusCode() + ": " + response.body());
    }
    for (Object entry : new JsonArray(response.body())) {
      JsonObject operation = (JsonObject) entry;
      if (operation.getString("operation").equals(name)) {
        return operation;
      }
    }
    throw new AssertionError("no " + name + " in " + response.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
