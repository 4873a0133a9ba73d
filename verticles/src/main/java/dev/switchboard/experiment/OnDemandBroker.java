package dev.switchboard.experiment;

/** A local Kafka broker (kafka-dev), started the first time a variant on Kafka needs one, stopped on close. */
public final class OnDemandBroker implements AutoCloseable {

  private LocalKafkaProcess process;

  public String bootstrapServers() {
    if (process == null) {
      System.out.println("starting a local Kafka broker for the Kafka variants (kafka-dev)...");
      try {
        process = LocalKafkaProcess.start();
      } catch (java.io.IOException e) {
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
