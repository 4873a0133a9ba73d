package dev.switchboard.platform.config;

/** What carries an operation's messages. */
public enum Transport {
  /** The Vert.x event bus: request/reply for rpc, send/publish and consumers for events. */
  LOCAL,
  /** Kafka topics: durable, replayable commands, results and domain events; event mode only. */
  KAFKA,
  /** gRPC over HTTP/2 to the process that serves the operation ({@code target}); rpc mode only. */
  GRPC;

  /** As configuration and meter tags spell it; made once (it is asked for on every message). */
  private final String spelling = name().toLowerCase(java.util.Locale.ROOT);

  public String spelling() {
    return spelling;
  }
}
