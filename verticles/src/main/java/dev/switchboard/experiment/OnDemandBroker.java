package dev.switchboard.experiment;

import dev.switchboard.platform.config.Settings;

import java.io.IOException;

/** A local Kafka broker (kafka-dev), started the first time a variant on Kafka needs one, stopped on close. */
public final class OnDemandBroker implements AutoCloseable {

  /** Where the broker's classpath is: the directory, or an error saying where it was looked for. */
  interface Lib {
    java.nio.file.Path find() throws IOException;
  }

  private final Lib lib;
  private LocalKafkaProcess process;

  public OnDemandBroker() {
    this(LocalKafkaProcess::findLib);
  }

  OnDemandBroker(Lib lib) {
    this.lib = lib;
  }

  /**
   * Fails at once, saying where the broker's classpath was looked for, if a node of {@code settings}
   * will need this broker (an operation on Kafka, no {@code kafka.bootstrap.servers}) and it could not
   * start: a run learns it before its first variant, not minutes in, when the first one on Kafka comes.
   */
  public void checkFor(Settings settings) {
    if (process != null || !VariantSettings.onKafka(settings)
        || !settings.getString("kafka.bootstrap.servers", "").isBlank()) {
      return;
    }
    try {
      lib.find();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    if (process == null) {
      System.out.println("starting a local Kafka broker for the Kafka variants (kafka-dev)...");
      try {
        process = LocalKafkaProcess.start();
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      System.out.printf("local Kafka broker on %s, ready in %d ms%n", process.bootstrapServers(),
          process.startMillis());
    }
    return process.bootstrapServers();
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
