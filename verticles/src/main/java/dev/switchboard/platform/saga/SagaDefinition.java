package dev.switchboard.platform.saga;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.Operation;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A saga: forward steps run in order, and when one fails the compensations of the steps that took
 * effect run latest first. The definition knows operations, never their modes: an rpc step advances
 * inline, an event step when its result event arrives, and the definition reads the same.
 *
 * @param <D> the protobuf message holding the saga's data between steps
 */
public final class SagaDefinition<D extends Message> {

  /** Called once when the saga completes. */
  @FunctionalInterface
  public interface Completion<D> {
    Future<Void> completed(D data, CallContext context);
  }

  /** Called once when the saga ends without completing (compensated, or failed to compensate). */
  @FunctionalInterface
  public interface Abortion<D> {
    Future<Void> aborted(D data, String reason, CallContext context);
  }

  private final String name;
  private final Parser<D> parser;
  private final List<SagaStep<D, ?, ?>> steps;
  private final Completion<D> onCompleted;
  private final Abortion<D> onAborted;
  private final Operation<?, ?> startedBy;

  private SagaDefinition(Builder<D> builder) {
    this.name = builder.name;
    this.parser = builder.parser;
    this.steps = List.copyOf(builder.steps);
    this.onCompleted = builder.onCompleted;
    this.onAborted = builder.onAborted;
    this.startedBy = builder.startedBy;
  }

  public static <D extends Message> Builder<D> builder(String name, Parser<D> parser) {
    return new Builder<>(name, parser);
  }

  public String name() {
    return name;
  }

  public List<SagaStep<D, ?, ?>> steps() {
    return steps;
  }

  /** The operations the saga invokes and which one starts it, by name: what the pre-flip check reads. */
  public SagaOutline outline() {
    List<SagaOutline.Step> outlined = new ArrayList<>();
    for (SagaStep<D, ?, ?> step : steps) {
      outlined.add(new SagaOutline.Step(step.operation().name(),
          step.compensable() ? Optional.of(step.compensation().operation().name()) : Optional.empty()));
    }
    return new SagaOutline(name, Optional.ofNullable(startedBy).map(Operation::name), outlined);
  }

  Completion<D> onCompleted() {
    return onCompleted;
  }

  Abortion<D> onAborted() {
    return onAborted;
  }

  D parse(byte[] data) {
    try {
      return parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("saga " + name + ": stored data cannot be decoded", e);
    }
  }

  /** Every operation the saga invokes, forward and compensating. */
  List<Operation<?, ?>> operations() {
    List<Operation<?, ?>> operations = new ArrayList<>();
    for (SagaStep<D, ?, ?> step : steps) {
      operations.add(step.operation());
      if (step.compensable()) {
        operations.add(step.compensation().operation());
      }
    }
    return operations;
  }

  public static final class Builder<D extends Message> {
    private final String name;
    private final Parser<D> parser;
    private final List<SagaStep<D, ?, ?>> steps = new ArrayList<>();
    private Completion<D> onCompleted = (data, context) -> Future.succeededFuture();
    private Abortion<D> onAborted = (data, reason, context) -> Future.succeededFuture();
    private Operation<?, ?> startedBy;

    private Builder(String name, Parser<D> parser) {
      this.name = name;
      this.parser = parser;
    }

    /** A step that needs no undoing (the last one, typically). */
    public <Q extends Message, R extends Message> Builder<D> step(Operation<Q, R> operation, Function<D, Q> request,
                                                                  BiFunction<D, R, D> apply) {
      steps.add(new SagaStep<>(operation, request, apply, null));
      return this;
    }

    /** A step undone by {@code compensation} if a later step fails. */
    public <Q extends Message, R extends Message, CQ extends Message, CR extends Message> Builder<D> step(
        Operation<Q, R> operation, Function<D, Q> request, BiFunction<D, R, D> apply,
        Operation<CQ, CR> compensation, Function<D, CQ> compensationRequest) {
      steps.add(new SagaStep<>(operation, request, apply,
          new SagaStep.Compensation<>(compensation, compensationRequest)));
      return this;
    }

    /**
     * The operation whose handler starts this saga and waits for its outcome (in rpc mode, its caller
     * waits for the whole chain): declared so that the pre-flip check can weigh the steps' deadlines
     * against the operation's own.
     */
    public Builder<D> startedBy(Operation<?, ?> operation) {
      this.startedBy = operation;
      return this;
    }

    public Builder<D> onCompleted(Completion<D> hook) {
      this.onCompleted = hook;
      return this;
    }

    public Builder<D> onAborted(Abortion<D> hook) {
      this.onAborted = hook;
      return this;
    }

    public SagaDefinition<D> build() {
      if (steps.isEmpty()) {
        throw new IllegalStateException("saga " + name + " has no steps");
      }
      return new SagaDefinition<>(this);
    }
  }
}
