package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.store.Database;
import dev.switchboard.platform.store.DeadLetterStore;
import dev.switchboard.platform.store.EventOutbox;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.store.StoreMeters;
import dev.switchboard.platform.transport.ReplicaCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform as services see it. Callers {@link #invoke} an operation and handlers
 * {@link #serve} it, the same code whatever the operation's configured mode and transport:
 * <ul>
 *   <li>rpc: the invocation completes with the reply; failures (timeout, unavailable, handler
 *       error) reach the caller at once;</li>
 *   <li>event: the invocation is accepted once the transport has the command; the handler runs
 *       when a consumer takes it, deduplicated by message id, and its outcome is published as a
 *       result event to whoever listens with {@link #onResult}.</li>
 * </ul>
 * Domain events are {@link #emit emitted} to every subscriber of a stream: in event mode through
 * the transport, without the producer knowing who listens; in rpc mode by calling each subscriber
 * and waiting for all.
 * <p>
 * This class is the face; the work is done by an {@link Invoker}, an {@link OperationServer} with
 * its {@link ConsumerPipeline}, a {@link ResultRouter} and an {@link Emitter}.
 */
public final class Switchboard {

  private static final Logger LOGGER = LoggerFactory.getLogger(Switchboard.class);
  private static final long PURGE_EVERY_MS = 3_600_000;

  private final Vertx vertx;
  private final PlatformConfig config;
  private final LiveSettings live;
  private final SwitchboardMetrics metrics;
  private final Faults faults;
  private final Database store;
  private final Transports transports;
  private final Invoker invoker;
  private final ResultRouter results;
  private final Emitter emitter;
  private final ConsumerPipeline pipeline;
  private final DeadLetters deadLetters;
  private final OperationServer server;
  private final long purgeTimer;
  private final long redeliveryTimer;
  private final long recentTimer;
  private final ReplicaCheck replicas;

  private Switchboard(Vertx vertx, OperationCatalog catalog, PlatformConfig config, SwitchboardMetrics metrics,
                      Database store, ProcessedMessages processed, EventOutbox outbox,
                      DeadLetterStore deadLetterStore, ReplicaCheck replicas) {
    this.vertx = vertx;
    this.config = config;
    this.replicas = replicas;
    this.live = new LiveSettings(config, vertx.isClustered());
    this.metrics = metrics;
    this.store = store;
    new StoreMeters(store).bindTo(metrics.registry());
    this.faults = new Faults(vertx);
    config.operations().forEach((name, settings) -> faults.set(name, settings.faults()));
    this.transports = new Transports(vertx, config, metrics, replicas);
    this.invoker = new Invoker(vertx, live, transports, metrics);
    this.results = new ResultRouter(vertx, live, transports, invoker);
    this.emitter = new Emitter(vertx, catalog, config, live, transports, invoker, outbox);
    HandlerRunner runner = new HandlerRunner(vertx, faults, metrics);
    this.deadLetters = new DeadLetters(vertx, catalog, config, transports, deadLetterStore, processed);
    this.pipeline = new ConsumerPipeline(vertx, live, transports, processed, runner, faults, metrics, deadLetters);
    this.server = new OperationServer(live, transports, store, processed, runner, pipeline, faults, metrics);
    long retentionMs = config.store().processedRetentionMs();
    this.purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, tick -> processed.purge(retentionMs).onSuccess(purged -> {
      if (purged > 0) {
        LOGGER.info("forgot {} processed-message records older than {} h", purged, retentionMs / 3_600_000);
      }
    }));
    long redeliverEvery = Math.max(50, Math.min(5_000, config.outboxRedeliverAfterMs() / 2));
    this.redeliveryTimer = vertx.setPeriodic(redeliverEvery, tick -> emitter.redeliverDue());
    // the recent rates and latencies move on by one second; the interval swap may wait on writers: a worker's job
    this.recentTimer = vertx.setPeriodic(1_000, tick -> vertx.executeBlocking(() -> {
      metrics.recent().rotate();
      return null;
    }, true));
  }

  /**
   * Opens the store the configuration names, then the transports; the consumers work at once, and no
   * replica check runs unless {@link #checkReplicas} is called (tests, tools).
   */
  public static Future<Switchboard> create(Vertx vertx, OperationCatalog catalog, PlatformConfig config,
                                           SwitchboardMetrics metrics) {
    return create(vertx, catalog, config, metrics, false);
  }

  /**
   * Opens the store the configuration names, then the transports, for a node among the replicas
   * ({@code config.instance()}). The Kafka consumers of the operations and stream subscribers served
   * from now on work on nothing until {@link #checkReplicas} has passed: call it once the services
   * are started.
   */
  public static Future<Switchboard> createForNode(Vertx vertx, OperationCatalog catalog, PlatformConfig config,
                                                  SwitchboardMetrics metrics) {
    return create(vertx, catalog, config, metrics, true);
  }

  private static Future<Switchboard> create(Vertx vertx, OperationCatalog catalog, PlatformConfig config,
                                            SwitchboardMetrics metrics, boolean holding) {
    try {
      // a degraded call sent on an event bus that reaches nobody serving the operation would be lost
      config.operations().values().stream().filter(OperationSettings::fallbackToEvent).forEach(settings ->
          LiveSettings.requireReachable(settings, settings.eventTransport(), vertx.isClustered(),
              OperationSettings.PREFIX + "." + settings.operation() + ".fallbackTransport"));
    } catch (ConfigException refused) {
      return Future.failedFuture(refused);
    }
    return Database.open(vertx, config.store()).map(store -> {
      ReplicaCheck replicas = holding ? ReplicaCheck.holding(config.instance(), store.storeId(), config.kafka())
          : ReplicaCheck.notHolding(config.instance(), store.storeId(), config.kafka());
      return new Switchboard(vertx, catalog, config, metrics, store, new ProcessedMessages(store),
          new EventOutbox(store), new DeadLetterStore(store), replicas);
    });
  }

  /**
   * The start-up check that the replicas consuming in this process's Kafka groups share its store
   * ({@link ReplicaCheck}): passes (and lets the consumers work) or fails with an
   * {@link dev.switchboard.platform.transport.UnsafeReplicasException} naming the other member.
   */
  public Future<Void> checkReplicas() {
    return onCaller(replicas.run(vertx));
  }

  /**
   * The client ids and the start-up check of the Kafka consumers: a consumer the platform does not
   * make itself (the Kafka bridge's) takes its {@code client.id} here and is watched here too.
   */
  public ReplicaCheck replicas() {
    return replicas;
  }

  /** Closes the transports' clients (Kafka producers and consumers, committing what is done), then the store. */
  public Future<Void> close() {
    vertx.cancelTimer(purgeTimer);
    vertx.cancelTimer(redeliveryTimer);
    vertx.cancelTimer(recentTimer);
    pipeline.close();
    // consumers first (they commit what is done); then the store, so that work still running fails
    // there and resumes after a restart; the rpc client last, so no such work is refused as UNAVAILABLE
    return transports.closeConsumers().eventually(store::close).eventually(transports::closeClients);
  }

  /**
   * The internal listener of this process: the platform serves every rpc operation of this process
   * on it (for callers whose transport is grpc); the node opens it, apart from the public edge.
   */
  public dev.switchboard.platform.transport.InternalGrpcServer internalServer() {
    return transports.grpc().server();
  }

  /** The durable store, for services' own state. */
  public Database store() {
    return store;
  }

  /** The configuration the process started with; {@link #live} has the operations' settings as they are now. */
  public PlatformConfig config() {
    return config;
  }

  /**
   * The operations' settings as they are now, and the way to flip an operation's mode while it
   * runs: new invocations go the new way, those in flight finish the old way.
   */
  public LiveSettings live() {
    return live;
  }

  public SwitchboardMetrics metrics() {
    return metrics;
  }

  /** The circuit breakers of rpc calls, to read their state and to force them open or closed for drills. */
  public dev.switchboard.platform.policy.CircuitBreakers breakers() {
    return transports.breakers();
  }

  /**
   * The dead letters of the operations, wherever their transport leaves them: to list them and send
   * them again.
   */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /**
   * The faults injected into operations (latency, errors, outage, capacity, duplicate delivery,
   * deduplication off), set from configuration and changeable at run time.
   */
  public Faults faults() {
    return faults;
  }

  /** The operation's settings as they are now. */
  public OperationSettings settings(Operation<?, ?> operation) {
    return live.get(operation.name());
  }

  // ---------------------------------------------------------------- callers

  /** Invokes an operation with a new message id. */
  public <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                         CallContext context) {
    return invoke(operation, request, context, Ids.next());
  }

  /**
   * Invokes an operation with a message id of the caller's choosing: a caller that may send the
   * same command again (a saga resuming a step) gives the same id, so consumers deduplicate it.
   */
  public <Q extends Message, R extends Message> Future<Invocation<R>> invoke(Operation<Q, R> operation, Q request,
                                                                         CallContext context, String messageId) {
    return onCaller(invoker.invoke(operation, request, context, messageId));
  }

  /**
   * Invokes an operation and waits for its reply in either mode: in event mode, for the result event
   * of this command (request/reply over events), within the operation's {@code timeoutMs}. For
   * callers that must answer someone now, such as an edge serving a unary call.
   */
  public <Q extends Message, R extends Message> Future<R> call(Operation<Q, R> operation, Q request,
                                                               CallContext context) {
    return onCaller(results.call(operation, request, context));
  }

  /** Listens to the result events of an operation invoked in event mode, for as long as the calling verticle runs. */
  public <Q extends Message, R extends Message> Future<Void> onResult(Operation<Q, R> operation,
                                                                  ResultHandler<R> handler) {
    return onCaller(results.onResult(operation, handler));
  }

  /**
   * Emits a domain event to every subscriber of {@code stream}. {@code eventId} identifies the event:
   * emitting it again (a retry, a resumed saga) reaches each subscriber as a duplicate. Completes
   * when every rpc-mode subscriber has handled it and the event-mode subscribers' transport has it;
   * fails if a delivery still failed after the subscriber's retries (the coupling rpc mode brings) —
   * the event is then kept in the store and delivered again until every subscriber has it.
   */
  public <E extends Message> Future<Void> emit(String stream, String eventId, E event, CallContext context) {
    return onCaller(emitter.emit(stream, eventId, event, context));
  }

  // ---------------------------------------------------------------- handlers

  /**
   * Serves an operation with its handler, on the path its configured mode needs: requests in rpc
   * mode; commands (or, for a subscriber, the stream's events) in event mode. In event mode a
   * handler whose outcome is uncertain (an unexpected failure, a timeout, an outage) is retried
   * with backoff; after the last retry, and at once for an undecodable message, the message goes to
   * the transport's dead letters and, for a command, a failure result is published so that the
   * caller can go on. Refused for an operation declared {@link Handling#TRANSACTIONAL}.
   */
  public <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                               OperationHandler<Q, R> handler) {
    return onCaller(server.serve(operation, handler));
  }

  /**
   * Serves an operation whose effect is a change to the store: the handler runs in one transaction
   * on the store's thread, and the message is recorded as processed (with its result event) in the
   * same transaction, in either mode: a message handled again (redelivered, re-sent by a resuming
   * saga, retried by a client with the same id) changes nothing twice, and in rpc mode gets the
   * reply recorded the first time. Only for an operation declared {@link Handling#TRANSACTIONAL}
   * ({@link Operation#handled}): what the pre-flip check reads must be what runs.
   */
  public <Q extends Message, R extends Message> Future<Void> serve(Operation<Q, R> operation,
                                                               TransactionalHandler<Q, R> handler) {
    return onCaller(server.serve(operation, handler));
  }

  /**
   * The outcome of {@code work}, delivered on the caller's context. Work inside the platform
   * completes wherever it ends (a transport's context, a shared future another verticle created
   * first); a caller that goes on from there — a verticle serving its next operation in its start
   * chain — must stay its own, or what it opens would belong to, and close with, another verticle.
   */
  private <T> Future<T> onCaller(Future<T> work) {
    io.vertx.core.Promise<T> promise = ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).promise();
    work.onComplete(promise);
    return promise.future();
  }
}
