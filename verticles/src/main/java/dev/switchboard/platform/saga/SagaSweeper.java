package dev.switchboard.platform.saga;

import com.google.protobuf.Message;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the open sagas that have not moved for {@code saga.stallAfterMs} (or up to a tenth more, their
 * lease's end being rounded up: {@code SagaStore.leaseUntil}) — a command or result lost
 * with a process, an advance the store refused, an end hook that failed — and drives them again:
 * the awaited step is sent again with the same message id (a duplicate to a consumer that handled
 * it, which answers from its record), up to {@code saga.maxRedrives} times, after which the step
 * counts as an uncertain failure and is compensated; an end hook is run again until it succeeds.
 * A saga whose step invocation is under way in this process (an rpc call within its deadline) is
 * not stalled. Replicas on one store sweep together: each sweep claims the sagas whose lease ran out
 * ({@link SagaStore#claimStalled}), so one replica drives each, a dead replica's included.
 */
final class SagaSweeper {

  private static final Logger LOGGER = LoggerFactory.getLogger(SagaSweeper.class);
  /** How many stalled sagas one sweep drives again at most. */
  private static final int SWEEP_BATCH = 500;

  private final Vertx vertx;
  private final Switchboard switchboard;
  private final SagaStore store;
  private final SagaEngine engine;
  private long timer = -1;
  private boolean sweeping;

  SagaSweeper(Vertx vertx, Switchboard switchboard, SagaStore store, SagaEngine engine) {
    this.vertx = vertx;
    this.switchboard = switchboard;
    this.store = store;
    this.engine = engine;
  }

  /**
   * Sweeps every quarter of {@code saga.stallAfterMs} (between 50 ms and 5 s). The timer belongs to
   * the calling verticle and ends with it; {@link #stop} ends it sooner.
   */
  void start() {
    timer = vertx.setPeriodic(switchboard.config().sagaSweepEveryMs(), tick -> sweep());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private long stallAfterMs() {
    return switchboard.config().sagaStallAfterMs();
  }

  /** One sweep: every open saga that has not moved for {@code saga.stallAfterMs} is driven again. */
  Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return store.claimStalled(SWEEP_BATCH).map(records -> {
      int driven = 0;
      for (SagaRecord record : records) {
        SagaDefinition<?> definition = engine.definition(record.saga());
        if (definition != null && !engine.invoking(record.sagaId())) {
          driven++;
          engine.sequenced(record.sagaId(), () -> redrive(definition, record.sagaId()))
              .onFailure(failure -> SagaEngine.logFailure("[agg=" + record.sagaId() + "] saga " + definition.name()
                  + " could not be driven again (the next sweep tries again)", failure));
        }
      }
      return driven;
    }).onComplete(done -> sweeping = false);
  }

  /** Drives one stalled saga again, if it still is stalled once loaded under its sequencer. */
  private <D extends Message> Future<Void> redrive(SagaDefinition<D> definition, String sagaId) {
    long now = System.currentTimeMillis();
    return store.loadOpen(sagaId).compose(found -> {
      if (found.isEmpty() || found.get().updatedAtMs() >= now - stallAfterMs() || engine.invoking(sagaId)) {
        return Future.succeededFuture();
      }
      SagaRecord record = found.get();
      if (record.status().isTerminal()) {
        LOGGER.warn("[cid={} agg={}] saga {} ended {} but its end hook has not run: running it again",
            record.correlationId(), sagaId, definition.name(), record.status());
        switchboard.metrics().recordSagaRedrive(definition.name(), "end_hook");
        return store.update(record.touched(now)).compose(stored -> engine.rerunEndHook(definition, stored));
      }
      SagaStep<D, ?, ?> step = definition.steps().get(record.step());
      Operation<?, ?> awaited = record.status() == SagaStatus.RUNNING ? step.operation()
          : step.compensation().operation();
      if (record.redrives() >= switchboard.config().sagaMaxRedrives()) {
        long waited = now - record.updatedAtMs() + (long) record.redrives() * stallAfterMs();
        OperationException timedOut = new OperationException(ErrorCode.DEADLINE_EXCEEDED, awaited.name()
            + ": no outcome after it was sent " + (record.redrives() + 1) + " times over about " + waited + " ms");
        LOGGER.warn("[cid={} agg={}] saga {} gives up waiting: {}", record.correlationId(), sagaId, definition.name(),
            timedOut.getMessage());
        switchboard.metrics().recordSagaRedrive(definition.name(), "timed_out");
        return engine.fail(definition, record, timedOut);
      }
      LOGGER.warn("[cid={} agg={}] saga {} has waited {} ms for {}: sending it again ({} of {})",
          record.correlationId(), sagaId, definition.name(), now - record.updatedAtMs(), awaited.name(),
          record.redrives() + 1, switchboard.config().sagaMaxRedrives());
      switchboard.metrics().recordSagaRedrive(definition.name(), "resent");
      return store.update(record.redriven(now)).compose(stored -> engine.resend(definition, stored));
    });
  }
}
