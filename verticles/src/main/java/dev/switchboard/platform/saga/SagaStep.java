package dev.switchboard.platform.saga;

import com.google.protobuf.Message;
import dev.switchboard.platform.Operation;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One step of a saga: the operation it invokes, how its request is made from the saga's data, how
 * its reply folds back into the data, and the operation that undoes it if a later step fails.
 */
public record SagaStep<D, Q extends Message, R extends Message>(
    Operation<Q, R> operation,
    Function<D, Q> request,
    BiFunction<D, R, D> apply,
    Compensation<D, ?, ?> compensation) {

  public record Compensation<D, CQ extends Message, CR extends Message>(Operation<CQ, CR> operation,
                                                                         Function<D, CQ> request) {
  }

  public boolean compensable() {
    return compensation != null;
  }

  @SuppressWarnings("unchecked")
  D applyReply(D data, Message reply) {
    return apply.apply(data, (R) reply);
  }
}
