package dev.switchboard.platform;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every operation the application declares, by name. Configuration is validated against it (an
 * unknown operation name stops start-up) and the fan-out of a stream is read from it.
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

  /** The operation of this name, if it is declared. */
  public java.util.Optional<Operation<?, ?>> find(String name) {
    return java.util.Optional.ofNullable(operations.get(name));
  }

  public List<Operation<?, ?>> subscribersOf(String stream) {
    return operations.values().stream().filter(op -> op.stream().filter(stream::equals).isPresent()).toList();
  }
}
