package dev.switchboard.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The stores the checkout benchmarks run on, by the name {@code --stores} and {@code --store} take. */
enum CheckoutStore {

  MEMORY("memory", "H2 in memory", false),
  H2_FILE("h2-file", "H2 file", true),
  POSTGRES("postgres", "PostgreSQL", true);

  private final String option;
  private final String label;
  private final boolean durable;

  CheckoutStore(String option, String label, boolean durable) {
    this.option = option;
    this.label = label;
    this.durable = durable;
  }

  /** The name on the command line. */
  String option() {
    return option;
  }

  /** The name in the table. */
  String label() {
    return label;
  }

  /** Whether an acknowledged order survives the process (a file or a database server, not memory). */
  boolean durable() {
    return durable;
  }

  static Optional<CheckoutStore> named(String option) {
    return Arrays.stream(values()).filter(store -> store.option.equals(option)).findFirst();
  }

  static List<String> names() {
    return Arrays.stream(values()).map(CheckoutStore::option).toList();
  }
}
