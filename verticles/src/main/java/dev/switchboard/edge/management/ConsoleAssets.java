package dev.switchboard.edge.management;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator's web console, served from the jar and open to read like every {@code GET} of the
 * management port (its changes go through the JSON API, with the token the operator types in):
 * {@code GET /} is the page, {@code /console/*} its own script and style
 * ({@code src/main/resources/console/}), {@code /webjars/uplot/*} the chart library from its webjar.
 * The page may load nothing from anywhere else, and says so in its Content-Security-Policy.
 */
final class ConsoleAssets {

  static final String PAGE = "console/index.html";
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private ConsoleAssets() {
  }

  static void mount(Router router) {
    router.get("/").handler(ConsoleAssets::page);
    router.get("/console/*").handler(ConsoleAssets::secured)
        .handler(StaticHandler.create("console").setCachingEnabled(false).setDirectoryListing(false));
    router.get("/webjars/uplot/*").handler(ConsoleAssets::secured)
        .handler(StaticHandler.create("META-INF/resources/webjars/uplot").setDirectoryListing(false));
  }

  private static void page(RoutingContext ctx) {
    secure(ctx);
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Content-Type", "text/html; charset=utf-8");
    ctx.response().sendFile(PAGE).onFailure(ctx::fail);
  }

  private static void secured(RoutingContext ctx) {
    secure(ctx);
    ctx.next();
  }

  private static void secure(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }
}
