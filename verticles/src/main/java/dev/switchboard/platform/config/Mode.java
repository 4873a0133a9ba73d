package dev.switchboard.platform.config;

/** How a caller's invocation of an operation completes. */
public enum Mode {
  /** The caller's future completes with the handler's reply or its failure. */
  RPC,
  /** The caller's future completes once the command is published; the reply comes as a result event. */
  EVENT;

  /** As configuration and meter tags spell it; made once (it is asked for on every message). */
  private final String spelling = name().toLowerCase(java.util.Locale.ROOT);

  public String spelling() {
    return spelling;
  }
}
