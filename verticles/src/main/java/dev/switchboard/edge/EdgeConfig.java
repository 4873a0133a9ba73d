package dev.switchboard.edge;

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
 */
public record EdgeConfig(String grpcHost, int grpcPort, String httpHost, int httpPort, long shutdownGraceMs,
                         long shutdownDrainMs) {

  public static final Set<String> KEYS = Set.of("grpc.host", "grpc.port", "http.host", "http.port",
      "shutdown.graceMs", "shutdown.drainMs");

  public static EdgeConfig from(Settings settings) {
    return new EdgeConfig(
        settings.getString("grpc.host", "0.0.0.0"),
        settings.getInt("grpc.port", 9090, 0, 65_535),
        settings.getString("http.host", "127.0.0.1"),
        settings.getInt("http.port", 8080, 0, 65_535),
        settings.getLong("shutdown.graceMs", 0, 0, 600_000),
        settings.getLong("shutdown.drainMs", 5_000, 0, 600_000));
  }
}
