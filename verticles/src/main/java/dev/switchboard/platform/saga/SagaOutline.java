package dev.switchboard.platform.saga;

import java.util.List;
import java.util.Optional;

/**
 * What a saga invokes, by operation name, without its code: the operation whose handler starts it,
 * and each step's operation with the one that undoes it. Read from the {@link SagaDefinition}
 * itself ({@link SagaDefinition#outline()}), so it says what the saga runs; the pre-flip check reasons
 * over it without starting anything.
 *
 * @param saga      the saga's name
 * @param startedBy the operation whose handler starts the saga and waits for it, if declared
 * @param steps     the forward steps, in order
 */
public record SagaOutline(String saga, Optional<String> startedBy, List<Step> steps) {

  public SagaOutline {
    steps = List.copyOf(steps);
  }

  /**
   * One step: the operation it invokes, and the operation that undoes it if a later step fails.
   *
   * @param operation    the step's operation
   * @param compensation the operation that undoes it; empty for a step nothing undoes
   */
  public record Step(String operation, Optional<String> compensation) {
  }
}
