package dev.switchboard.edge;

import dev.switchboard.platform.config.Settings;

import java.util.Set;

/**
 * Where the edges listen.
 *
 * @param grpcHost {@code grpc.host}
 * @param grpcPort {@code grpc.port}: the gRPC edge; 0 picks a free port (logged)
 * @param httpHost {@code http.host}
 * @param httpPort {@code http.port}: management (metrics, health, readiness); 0 picks a free port
 */
public record EdgeConfig(String grpcHost, int grpcPort, String httpHost, int httpPort) {

  public static final Set<String> KEYS = Set.of("grpc.host", "grpc.port", "http.host", "http.port");

  public static EdgeConfig from(Settings settings) {
    return new EdgeConfig(
        settings.getString("grpc.host", "0.0.0.0"),
        settings.getInt("grpc.port", 9090, 0, 65_535),
        settings.getString("http.host", "0.0.0.0"),
        settings.getInt("http.port", 8080, 0, 65_535));
  }
}
