package dev.switchboard.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every suite {@code switchboard bench} knows, in the order the default run takes them. */
final class BenchSuites {

  /** Suites that run only when named (long ones). */
  static final Set<String> ON_REQUEST = Set.of("soak");

  private BenchSuites() {
  }

  static List<BenchSuite> all(Map<String, String> options) {
    return List.of(
        new InvokeSuite(),
        new EdgeSuite(),
        new dev.switchboard.bench.kafka.KafkaSuite(),
        new CheckoutSuite(options),
        new SoakSuite(options)
    );
  }
}
