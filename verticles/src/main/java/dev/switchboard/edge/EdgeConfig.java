package dev.switchboard.edge;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.InternalSettings;
import dev.switchboard.platform.config.Settings;

import java.util.Set;

/**
 * Where the edges listen.
 *
 * @param grpcHost {@code grpc.host}
 * @param grpcPort {@code grpc.port}: the gRPC edge; 0 picks a free port (logged)
 * @param httpHost {@code http.host}: loopback by default (the management port is for this machine's
 *                 operators and scrapers; bind it wider on purpose)
 * @param httpPort {@code http.port}: management (metrics, health, readiness); 0 picks a free port
 * @param shutdownGraceMs {@code shutdown.graceMs}: on SIGTERM, how long the process reports
 *                        NOT_SERVING (gRPC health, /ready) while still serving, so that load
 *                        balancers stop sending work before it stops taking new calls
 * @param shutdownDrainMs {@code shutdown.drainMs}: how long calls in flight may take to finish then
 * @param managementToken {@code management.token}: the bearer token the management port's
 *                        state-changing endpoints require; empty (the default) disables them; never printed
 */
public record EdgeConfig(String grpcHost, int grpcPort, String httpHost, int httpPort, long shutdownGraceMs,
                         long shutdownDrainMs, String managementToken) {

  public static final String MANAGEMENT_TOKEN = "management.token";
  public static final Set<String> KEYS = Set.of("grpc.host", "grpc.port", "http.host", "http.port",
      "shutdown.graceMs", "shutdown.drainMs", MANAGEMENT_TOKEN);
  private static final String MASK = "*****";

  public static EdgeConfig from(Settings settings) {
    String token = settings.getString(MANAGEMENT_TOKEN, "").trim();
    if (!token.isEmpty() && (token.length() < InternalSettings.MIN_TOKEN_LENGTH
        || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw new ConfigException(MANAGEMENT_TOKEN, MASK, "at least " + InternalSettings.MIN_TOKEN_LENGTH
          + " printable ASCII characters without spaces (it travels in an Authorization: Bearer header)");
    }
    return new EdgeConfig(
        settings.getString("grpc.host", "0.0.0.0"),
        settings.getInt("grpc.port", 9090, 0, 65_535),
        settings.getString("http.host", "127.0.0.1"),
        settings.getInt("http.port", 8080, 0, 65_535),
        settings.getLong("shutdown.graceMs", 0, 0, 600_000),
        settings.getLong("shutdown.drainMs", 5_000, 0, 600_000),
        token);
  }

  /** Whether the management port's state-changing endpoints are enabled (a token is configured). */
  public boolean managementEnabled() {
    return !managementToken.isEmpty();
  }

  @Override
  public String toString() {
    return "EdgeConfig[grpcHost=" + grpcHost + ", grpcPort=" + grpcPort + ", httpHost=" + httpHost + ", httpPort="
        + httpPort + ", shutdownGraceMs=" + shutdownGraceMs + ", shutdownDrainMs=" + shutdownDrainMs
        + ", managementToken=" + (managementToken.isEmpty() ? "(not set)" : MASK) + "]";
  }
}
