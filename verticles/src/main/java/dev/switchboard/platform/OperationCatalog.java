package dev.switchboard.platform;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every operation the application declares, by name, with how its handler is served. Configuration
 * is validated against it (an unknown operation name stops start-up), the fan-out of a stream is read
 * from it, and the pre-flip check reads the handlers' kinds from it.
 */
public final class OperationCatalog {

  private final Map<String, Operation<?, ?>> operations = new LinkedHashMap<>();

  public OperationCatalog(Collection<? extends Operation<?, ?>> declared) {
    for (Operation<?, ?> operation : declared) {
      if (operations.putIfAbsent(operation.name(), operation) != null) {
        throw new IllegalArgumentException("operation declared twice: " + operation.name());
      }
    }
  }

  public Set<String> names() {
    return operations.keySet();
  }

  /** The operation declared as {@code name}, if any. */
  public Optional<Operation<?, ?>> find(String name) {
    return Optional.ofNullable(operations.get(name));
  }

  /** Every declared operation, in the order declared. */
  public Collection<Operation<?, ?>> all() {
    return java.util.Collections.unmodifiableCollection(operations.values());
  }

  public List<Operation<?, ?>> subscribersOf(String stream) {
    return operations.values().stream().filter(op -> op.stream().filter(stream::equals).isPresent()).toList();
  }
}
