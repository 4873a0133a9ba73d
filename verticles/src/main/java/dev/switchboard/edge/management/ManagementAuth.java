package dev.switchboard.edge.management;

import dev.switchboard.edge.EdgeConfig;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the state-changing endpoints of the management port with the bearer token
 * {@code management.token}, compared in constant time: without a configured token they answer 403
 * and say how to enable them, a missing token 401, a wrong one 403. Every change let through is
 * {@link #audit audited}: one log line (who, what, before → after) and a count.
 */
final class ManagementAuth implements Handler<RoutingContext> {

  private static final Logger LOGGER = LoggerFactory.getLogger(ManagementAuth.class);
  private static final String BEARER = "Bearer ";

  private final EdgeConfig config;
  private final SwitchboardMetrics metrics;

  ManagementAuth(EdgeConfig config, SwitchboardMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!config.managementEnabled()) {
      ApiError.answer(ctx, 403, "state-changing endpoints are disabled: set " + EdgeConfig.MANAGEMENT_TOKEN
          + " (at least 16 printable characters) and send it as Authorization: Bearer <token>");
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ApiError.answer(ctx, 401, "missing Authorization: Bearer <" + EdgeConfig.MANAGEMENT_TOKEN + ">");
      return;
    }
    byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    byte[] expected = config.managementToken().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      LOGGER.warn("management: refused a change from {}: wrong token", ctx.request().remoteAddress());
      ApiError.answer(ctx, 403, "wrong token");
      return;
    }
    ctx.next();
  }

  /** One audit line and a count of {@code switchboard.management.changes{action}} for a change made. */
  void audit(RoutingContext ctx, String action, String target, Object before, Object after) {
    metrics.recordManagementChange(action);
    LOGGER.info("management change by token from {}: {} of {}: {} -> {}", ctx.request().remoteAddress(), action,
        target, before, after);
  }
}
