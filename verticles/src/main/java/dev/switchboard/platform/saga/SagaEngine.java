package dev.switchboard.platform.saga;

import dev.switchboard.platform.Backoff;

import com.google.protobuf.Message;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.KeyedSequencer;
import dev.switchboard.platform.Invocation;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs sagas as state machines whose state is kept in a {@link SagaStore}. Every step outcome —
 * the inline reply of an rpc step or the result event of an event step — goes through the same
 * {@code advance} path: take the record (the version stored last, from memory, else from the store),
 * check the outcome is for the step it awaits (stale and duplicate outcomes are ignored, after a
 * look at the store itself), store the next state (checked against the version it was based on),
 * then invoke the next operation.
 * <p>
 * No saga waits for ever: its {@link SagaSweeper} drives the ones that stall.
 */
public final class SagaEngine {

  private static final Logger LOGGER = LoggerFactory.getLogger(SagaEngine.class);

  static final String ATTR_SAGA = "saga";
  static final String ATTR_ID = "saga.id";
  static final String ATTR_PHASE = "saga.phase";
  static final String ATTR_STEP = "saga.step";
  static final String ATTR_ATTEMPT = "saga.attempt";
  private static final String FORWARD = "forward";
  private static final String COMPENSATE = "compensate";
  /** How often an outcome is applied again after another replica changed the saga first. */
  private static final int MAX_CHANGED_ATTEMPTS = 5;

  private final Vertx vertx;
  private final Switchboard switchboard;
  private final SagaStore store;
  private final KeyedSequencer sequencer = new KeyedSequencer();
  private final Map<String, SagaDefinition<?>> definitions = new ConcurrentHashMap<>();
  private final Set<String> listening = new HashSet<>();
  /** The deadline of the request that started a saga, bounding its forward steps (not its compensations). */
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
  /** Sagas whose step invocation has not completed yet (an rpc call waiting for its reply): not stalled. */
  private final Set<String> invoking = ConcurrentHashMap.newKeySet();
  private final SagaSweeper sweeper;

  public SagaEngine(Vertx vertx, Switchboard switchboard, SagaStore store) {
    this.vertx = vertx;
    this.switchboard = switchboard;
    this.store = store;
    this.sweeper = new SagaSweeper(vertx, switchboard, store, this);
  }

  public SagaStore store() {
    return store;
  }

  /** Makes a definition runnable and listens to the result events of the operations it invokes. */
  public Future<Void> register(SagaDefinition<?> definition) {
    definitions.put(definition.name(), definition);
    switchboard.metrics().sagaRegistered(definition.name());
    List<Future<Void>> subscriptions = new java.util.ArrayList<>();
    for (Operation<?, ?> operation : definition.operations()) {
      synchronized (listening) {
        if (!listening.add(operation.name())) {
          continue;
        }
      }
      subscriptions.add(listen(operation));
    }
    return Future.all(subscriptions).mapEmpty();
  }

  private <Q extends Message, R extends Message> Future<Void> listen(Operation<Q, R> operation) {
    return switchboard.onResult(operation, result -> {
      Map<String, String> attributes = result.context().attributes();
      SagaDefinition<?> definition = definitions.get(String.valueOf(attributes.get(ATTR_SAGA)));
      if (definition == null || attributes.get(ATTR_ID) == null) {
        return;
      }
      Outcome outcome = result.succeeded() ? Outcome.success(result.reply()) : Outcome.failure(result.failure());
      advance(definition, attributes.get(ATTR_ID), attributes.get(ATTR_PHASE),
          Integer.parseInt(attributes.get(ATTR_STEP)), Integer.parseInt(attributes.get(ATTR_ATTEMPT)), outcome);
    });
  }

  /**
   * Starts a saga unless one with this id exists; completes with the stored record either way, so
   * starting twice (a retried request) runs the saga once. A saga that cannot be stored ends at once,
   * aborted: see {@link #notCreated}.
   */
  public <D extends Message> Future<SagaRecord> start(SagaDefinition<D> definition, String sagaId, D data,
                                                      CallContext context) {
    SagaRecord record = SagaRecord.start(sagaId, definition.name(), data.toByteArray(), context.correlationId(),
        System.currentTimeMillis());
    String tag = context.withAggregate(sagaId).logTag();
    return create(definition, record, data, context).compose(created -> {
      if (!created) {
        LOGGER.debug("{} saga {} exists already", tag, definition.name());
        return store.load(sagaId).map(Optional::orElseThrow);
      }
      LOGGER.debug("{} saga {} started", tag, definition.name());
      if (context.deadlineMs() > 0) {
        deadlines.put(sagaId, context.deadlineMs());
      }
      switchboard.metrics().sagaStarted(definition.name());
      execute(definition, record);
      return Future.succeededFuture(record);
    });
  }

  /**
   * Stores a new saga: {@code true} when stored, {@code false} when one with its id exists. When the
   * store does not take it (a store error, a value beyond a column) and it does not exist after all,
   * the saga ends before its first step: its abort hook runs with the reason, so that whatever waits
   * for it (an order) ends instead of waiting for ever, and this fails with FAILED_PRECONDITION. If
   * the store cannot even be read, or the hook fails, this fails with that, and the caller's own
   * recovery (resuming at restart) applies.
   */
  private <D extends Message> Future<Boolean> create(SagaDefinition<D> definition, SagaRecord record, D data,
                                                     CallContext context) {
    return store.create(record).recover(failure -> store.load(record.sagaId())
        .recover(unreadable -> Future.failedFuture(failure))
        .compose(found -> {
          if (found.isPresent()) {
            return Future.succeededFuture(false);
          }
          CallContext aborted = context.withAggregate(record.sagaId());
          String reason = "saga " + definition.name() + " could not be stored ("
              + OperationException.from("store", failure).code() + ")";
          LOGGER.warn("{} {}; it ends aborted: {}", aborted.logTag(), reason, LogSafe.quote(failure.getMessage()));
          return definition.onAborted().aborted(data, reason, aborted)
              .compose(ended -> Future.failedFuture(new OperationException(ErrorCode.FAILED_PRECONDITION, reason)));
        }));
  }

  /**
   * After a restart: invokes again the awaited step of every unfinished saga (with the same message
   * id, so a consumer that handled it already answers from its records), and runs the end hook of
   * every saga that ended without it having run. On a store shared by replicas, only the sagas this
   * instance claims ({@link SagaStore#claimUnfinished}): a live replica's are left to it.
   */
  public Future<Integer> resumeUnfinished() {
    return store.claimUnfinished().map(records -> {
      for (SagaRecord record : records) {
        SagaDefinition<?> definition = definitions.get(record.saga());
        if (definition == null) {
          continue;
        }
        LOGGER.info("[cid={} agg={}] resuming saga {} at {} step {}", record.correlationId(), record.sagaId(),
            record.saga(), record.status(), record.step());
        if (record.status().isTerminal()) {
          sequencer.run(record.sagaId(), () -> endHook(definition, record));
        } else {
          switchboard.metrics().sagaStarted(definition.name());
          execute(definition, record);
        }
      }
      return records.size();
    });
  }

  /** Starts driving stalled sagas again (see {@link SagaSweeper}); the timer ends with the calling verticle. */
  public void startSweeper() {
    sweeper.start();
  }

  public void stop() {
    sweeper.stop();
  }

  // ---------------------------------------------------------------- what the sweeper needs

  SagaDefinition<?> definition(String saga) {
    return definitions.get(saga);
  }

  /** Whether a step invocation of the saga is under way here (an rpc call waiting for its reply). */
  boolean invoking(String sagaId) {
    return invoking.contains(sagaId);
  }

  /** Runs {@code work} on the saga after whatever else is being done to it. */
  Future<Void> sequenced(String sagaId, java.util.function.Supplier<Future<?>> work) {
    return sequencer.run(sagaId, work);
  }

  /** Invokes the awaited step (or compensation) of the stored state again, with the same message id. */
  <D extends Message> Future<Void> resend(SagaDefinition<D> definition, SagaRecord record) {
    return proceed(definition, record);
  }

  /** Takes {@code failure} as the outcome of the awaited step (or compensation). */
  <D extends Message> Future<Void> fail(SagaDefinition<D> definition, SagaRecord record, OperationException failure) {
    return record.status() == SagaStatus.RUNNING ? forward(definition, record, Outcome.failure(failure))
        : compensated(definition, record, Outcome.failure(failure));
  }

  /** Runs the end hook of a terminal saga again. */
  <D extends Message> Future<Void> rerunEndHook(SagaDefinition<D> definition, SagaRecord record) {
    return endHook(definition, record);
  }

  // ---------------------------------------------------------------- the state machine

  private <D extends Message> void execute(SagaDefinition<D> definition, SagaRecord record) {
    D data = definition.parse(record.data());
    SagaStep<D, ?, ?> step = definition.steps().get(record.step());
    if (record.status() == SagaStatus.RUNNING) {
      invoke(definition, record, FORWARD, step.operation(), step.request().apply(data));
    } else if (record.status() == SagaStatus.COMPENSATING) {
      invoke(definition, record, COMPENSATE, step.compensation().operation(),
          step.compensation().request().apply(data));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void invoke(SagaDefinition<?> definition, SagaRecord record, String phase, Operation operation,
                      Message request) {
    CallContext context = new CallContext(record.correlationId(), record.sagaId(), "", "", Map.of(
        ATTR_SAGA, definition.name(),
        ATTR_ID, record.sagaId(),
        ATTR_PHASE, phase,
        ATTR_STEP, Integer.toString(record.step()),
        ATTR_ATTEMPT, Integer.toString(record.attempt())))
        .withDeadline(FORWARD.equals(phase) ? deadlines.getOrDefault(record.sagaId(), 0L) : 0);
    // The same step and attempt always carries the same message id: a re-sent command is a duplicate.
    String messageId = record.sagaId() + "/" + definition.name() + "/" + phase + "/" + record.step() + "/"
        + record.attempt();
    invoking.add(record.sagaId());
    Future<Invocation<Message>> invocation = switchboard.invoke(operation, request, context, messageId);
    invocation.onComplete(outcome -> {
      invoking.remove(record.sagaId());
      if (outcome.failed()) {
        advance(definition, record.sagaId(), phase, record.step(), record.attempt(),
            Outcome.failure(OperationException.from(operation.name(), outcome.cause())));
      } else if (outcome.result() instanceof Invocation.Completed<Message> completed) {
        advance(definition, record.sagaId(), phase, record.step(), record.attempt(), Outcome.success(completed.value()));
      }
      // Accepted: the result event will advance the saga.
    });
  }

  private void advance(SagaDefinition<?> definition, String sagaId, String phase, int step, int attempt,
                       Outcome outcome) {
    advance(definition, sagaId, phase, step, attempt, outcome, MAX_CHANGED_ATTEMPTS);
  }

  /**
   * As above; when another replica stored a change of the saga between this load and this store
   * ({@link SagaChangedException}), loads it again and decides again — the outcome may be stale by
   * then — up to {@code attemptsLeft} times.
   */
  private void advance(SagaDefinition<?> definition, String sagaId, String phase, int step, int attempt,
                       Outcome outcome, int attemptsLeft) {
    sequencer.run(sagaId, () -> {
      // the version stored last, kept in memory: no read of the store unless it says the outcome is stale
      Optional<SagaRecord> latest = store.latest(sagaId);
      if (latest.isPresent() && awaits(latest.get(), phase, step, attempt)) {
        return apply(definition, latest.get(), phase, outcome);
      }
      return store.load(sagaId).compose(found -> {
        if (found.isEmpty()) {
          LOGGER.warn("[agg={}] outcome for unknown saga ignored", sagaId);
          return Future.succeededFuture();
        }
        SagaRecord record = found.get();
        if (!awaits(record, phase, step, attempt)) {
          LOGGER.debug("[cid={} agg={}] stale {} outcome of step {} ignored (saga is {} at step {})",
              record.correlationId(), sagaId, phase, step, record.status(), record.step());
          return Future.succeededFuture();
        }
        return apply(definition, record, phase, outcome);
      });
    }).onFailure(failure -> {
      if (failure instanceof SagaChangedException && attemptsLeft > 1) {
        LOGGER.debug("[agg={}] saga {} changed elsewhere while advancing: loading it again", sagaId,
            definition.name());
        advance(definition, sagaId, phase, step, attempt, outcome, attemptsLeft - 1);
      } else {
        logFailure("[agg=" + sagaId + "] saga " + definition.name()
            + " could not advance (the sweeper drives it again from its stored state)", failure);
      }
    });
  }

  /** Whether the saga, as {@code record} has it, awaits the outcome of this phase, step and attempt. */
  private static boolean awaits(SagaRecord record, String phase, int step, int attempt) {
    return FORWARD.equals(phase)
        ? record.status() == SagaStatus.RUNNING && record.step() == step
        : record.status() == SagaStatus.COMPENSATING && record.step() == step && record.attempt() == attempt;
  }

  private Future<Void> apply(SagaDefinition<?> definition, SagaRecord record, String phase, Outcome outcome) {
    return FORWARD.equals(phase) ? forward(definition, record, outcome) : compensated(definition, record, outcome);
  }

  private <D extends Message> Future<Void> forward(SagaDefinition<D> definition, SagaRecord record, Outcome outcome) {
    SagaStep<D, ?, ?> step = definition.steps().get(record.step());
    long now = System.currentTimeMillis();
    if (outcome.succeeded()) {
      D data = step.applyReply(definition.parse(record.data()), outcome.reply());
      boolean last = record.step() == definition.steps().size() - 1;
      SagaRecord next = last
          ? record.advance(SagaStatus.COMPLETED, record.step(), 0, data.toByteArray(), "", now)
          : record.advance(SagaStatus.RUNNING, record.step() + 1, 0, data.toByteArray(), "", now);
      return store.update(next).compose(stored -> last ? finish(definition, stored) : proceed(definition, stored));
    }
    OperationException failure = outcome.failure();
    String reason = describe(step.operation(), failure);
    LOGGER.debug("[cid={} agg={}] saga {} step {} failed: {}", record.correlationId(), record.sagaId(),
        definition.name(), step.operation(), reason);
    // When the outcome is uncertain (timeout, unavailable) the failed step may have taken effect: undo it too.
    int from = failure.outcomeUncertain() ? record.step() : record.step() - 1;
    return compensateFrom(definition, record, from, reason, now);
  }

  private <D extends Message> Future<Void> compensated(SagaDefinition<D> definition, SagaRecord record,
                                                       Outcome outcome) {
    SagaStep<D, ?, ?> step = definition.steps().get(record.step());
    long now = System.currentTimeMillis();
    if (outcome.succeeded()) {
      return compensateFrom(definition, record, record.step() - 1, record.reason(), now);
    }
    int attempts = record.attempt() + 1;
    if (attempts >= switchboard.config().compensationMaxAttempts()) {
      String reason = record.reason() + "; compensation " + step.compensation().operation() + " failed after "
          + attempts + " attempts: " + outcome.failure().getMessage();
      LOGGER.error("[cid={} agg={}] saga {} FAILED, needs an operator: {}", record.correlationId(), record.sagaId(),
          definition.name(), reason);
      return store.update(record.advance(SagaStatus.FAILED, record.step(), record.attempt(), record.data(), reason,
          now)).compose(stored -> finish(definition, stored));
    }
    long backoff = Backoff.delayMs(switchboard.config().compensationBackoffMs(), record.attempt(), Long.MAX_VALUE);
    LOGGER.warn("[cid={} agg={}] compensation {} failed ({}), retry {} in {} ms", record.correlationId(),
        record.sagaId(), step.compensation().operation(), outcome.failure().getMessage(), attempts, backoff);
    return store.update(record.advance(SagaStatus.COMPENSATING, record.step(), attempts, record.data(),
        record.reason(), now)).onSuccess(stored -> {
          if (backoff == 0) {
            execute(definition, stored);
          } else {
            vertx.setTimer(backoff, timer -> execute(definition, stored));
          }
        }).mapEmpty();
  }

  /** Compensates the latest compensable step at or before {@code from}, or ends the saga compensated. */
  private <D extends Message> Future<Void> compensateFrom(SagaDefinition<D> definition, SagaRecord record, int from,
                                                          String reason, long now) {
    int next = from;
    while (next >= 0 && !definition.steps().get(next).compensable()) {
      next--;
    }
    if (next < 0) {
      return store.update(record.advance(SagaStatus.COMPENSATED, record.step(), 0, record.data(), reason, now))
          .compose(stored -> finish(definition, stored));
    }
    return store.update(record.advance(SagaStatus.COMPENSATING, next, 0, record.data(), reason, now))
        .compose(stored -> proceed(definition, stored));
  }

  private <D extends Message> Future<Void> proceed(SagaDefinition<D> definition, SagaRecord record) {
    execute(definition, record);
    return Future.succeededFuture();
  }

  private <D extends Message> Future<Void> finish(SagaDefinition<D> definition, SagaRecord record) {
    String outcome = record.status().name().toLowerCase(java.util.Locale.ROOT);
    switchboard.metrics().sagaFinished(definition.name(), outcome, record.updatedAtMs() - record.startedAtMs());
    LOGGER.debug("[cid={} agg={}] saga {} {}{}", record.correlationId(), record.sagaId(), definition.name(), outcome,
        record.reason().isEmpty() ? "" : ": " + record.reason());
    return endHook(definition, record);
  }

  /** Runs the definition's end hook of a terminal saga, then closes it; an unclosed saga runs it again on resume. */
  private <D extends Message> Future<Void> endHook(SagaDefinition<D> definition, SagaRecord record) {
    deadlines.remove(record.sagaId());
    D data = definition.parse(record.data());
    CallContext context = new CallContext(record.correlationId(), record.sagaId(), "", "", Map.of());
    Future<Void> hook = record.status() == SagaStatus.COMPLETED
        ? definition.onCompleted().completed(data, context)
        : definition.onAborted().aborted(data, record.reason(), context);
    return hook.compose(done -> store.close(record.sagaId()))
        .onFailure(failure -> logFailure(context.logTag() + " saga " + definition.name()
            + " end hook failed (the sweeper runs it again)", failure));
  }

  /**
   * A known failure (the store closing at shutdown, a refusal, a replica that changed the saga first)
   * in one line; anything else with its stack.
   */
  static void logFailure(String what, Throwable failure) {
    if (failure instanceof OperationException || failure instanceof SagaChangedException) {
      LOGGER.warn("{}: {}", what, failure.toString());
    } else {
      LOGGER.error(what, failure);
    }
  }

  private static String describe(Operation<?, ?> operation, OperationException failure) {
    String message = failure.getMessage() == null ? failure.code().name() : failure.getMessage();
    return message.startsWith(operation.name()) ? message : operation.name() + ": " + message;
  }

  /** A step's outcome, whichever way it arrived. */
  private record Outcome(Message reply, OperationException failure) {
    static Outcome success(Message reply) {
      return new Outcome(reply, null);
    }

    static Outcome failure(OperationException failure) {
      return new Outcome(null, failure);
    }

    boolean succeeded() {
      return failure == null;
    }
  }
}
