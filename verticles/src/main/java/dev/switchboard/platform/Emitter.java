package dev.switchboard.platform;

import com.google.protobuf.Message;
import dev.switchboard.platform.config.Mode;
import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.store.EventOutbox;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Emits domain events to every subscriber of a stream: in event mode through the transport,
 * without the producer knowing who listens; in rpc mode by calling each subscriber and waiting
 * for all (the coupling rpc mode brings). A delivery whose outcome is uncertain is tried again
 * with the subscriber's {@code retries} and backoff (subscribers deduplicate by event id, so a
 * second delivery changes nothing). An event that still did not reach every subscriber is kept in
 * the {@link EventOutbox} and delivered again every {@code outbox.redeliverAfterMs} until it does,
 * after a restart too: it is late, never dropped.
 * <p>
 * Each subscriber is reached the way its mode says now. Since every subscriber also consumes the
 * stream whatever its mode (so that a flip strands nothing), an event published on a transport
 * names its {@link #AUDIENCE}: the subscribers meant to take it there; the others, called in rpc
 * mode, let it pass. An event carries its {@link #TYPE} ({@link EventTypes}), and a subscriber that
 * takes only some types ({@link Operation#takes}) is neither called nor named in the audience for
 * the others; a transport none of whose subscribers takes the event is not published to.
 */
final class Emitter {

  private static final Logger LOGGER = LoggerFactory.getLogger(Emitter.class);
  private static final int REDELIVERY_BATCH = 100;
  /** The attribute of a published event naming the subscribers meant to take it from the stream, comma-separated. */
  static final String AUDIENCE = "audience";
  /** The attribute of an emitted event naming its type ({@link EventTypes}), which subscribers may filter on. */
  static final String TYPE = "type";

  private final Vertx vertx;
  private final OperationCatalog catalog;
  private final PlatformConfig config;
  private final LiveSettings live;
  private final Transports transports;
  private final Invoker invoker;
  private final EventOutbox outbox;
  private boolean redelivering;

  Emitter(Vertx vertx, OperationCatalog catalog, PlatformConfig config, LiveSettings live, Transports transports,
          Invoker invoker, EventOutbox outbox) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.config = config;
    this.live = live;
    this.transports = transports;
    this.invoker = invoker;
    this.outbox = outbox;
  }

  /**
   * Completes when every subscriber has the event; fails when one did not get it, after the event
   * is safe in the outbox (or, if even the store refused it, with that failure too).
   */
  <E extends Message> Future<Void> emit(String stream, String eventId, E event, CallContext context) {
    Envelope envelope = Envelope.of(Buffer.buffer(event.toByteArray()),
        context.withMessageId(eventId).withAttributes(Map.of(TYPE, EventTypes.of(event))));
    return deliver(stream, envelope).recover(failure -> outbox.keep(stream, envelope).transform(kept -> {
      String why = OperationException.from(stream, failure).getMessage();
      if (kept.failed()) {
        LOGGER.error("{} {} not delivered ({}) and not kept for later: {}", context.logTag(), eventId, why,
            kept.cause().getMessage());
        return Future.failedFuture(failure);
      }
      LOGGER.warn("{} {} not delivered to every subscriber ({}); kept, delivered again later", context.logTag(),
          eventId, why);
      return Future.failedFuture(new OperationException(ErrorCode.UNAVAILABLE,
          stream + ": " + eventId + " kept for a later delivery: " + why));
    }));
  }

  /** Delivers again the kept events whose last attempt is older than {@code outbox.redeliverAfterMs}. */
  Future<Integer> redeliverDue() {
    if (redelivering) {
      return Future.succeededFuture(0);
    }
    redelivering = true;
    return outbox.due(System.currentTimeMillis() - config.outboxRedeliverAfterMs(), REDELIVERY_BATCH)
        .compose(due -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (EventOutbox.Pending pending : due) {
            chain = chain.compose(delivered -> redeliver(pending).map(ok -> ok ? delivered + 1 : delivered));
          }
          return chain;
        })
        .onComplete(done -> redelivering = false);
  }

  private Future<Boolean> redeliver(EventOutbox.Pending pending) {
    Envelope event = pending.event();
    String eventId = event.context().messageId();
    return deliver(pending.stream(), event).transform(outcome -> {
      if (outcome.succeeded()) {
        LOGGER.info("{} {} delivered to every subscriber of {} after {} earlier attempt(s)", event.context().logTag(),
            eventId, pending.stream(), pending.attempts());
        return outbox.delivered(eventId).map(true);
      }
      LOGGER.debug("{} {} still not delivered: {}", event.context().logTag(), eventId, outcome.cause().getMessage());
      return outbox.attempted(eventId).map(false);
    });
  }

  private Future<Void> deliver(String stream, Envelope event) {
    List<Future<?>> deliveries = new ArrayList<>();
    Map<Transport, OperationSettings> eventTransports = new LinkedHashMap<>();
    Map<Transport, List<String>> audiences = new LinkedHashMap<>();
    String eventId = event.context().messageId();
    String type = event.context().attributes().get(TYPE);
    Envelope called = event.withContext(forHandler(event.context()));
    for (Operation<?, ?> subscriber : catalog.subscribersOf(stream)) {
      if (!subscriber.takesType(type)) {
        continue;
      }
      OperationSettings settings = live.get(subscriber.name());
      if (settings.mode() == Mode.RPC) {
        // the event's own id: the subscriber deduplicates by it on either path
        deliveries.add(withRetries(settings, event.context(), subscriber.name(),
            () -> invokeUnchecked(subscriber, called, eventId)));
      } else {
        eventTransports.putIfAbsent(settings.transport(), settings);
        audiences.computeIfAbsent(settings.transport(), transport -> new ArrayList<>()).add(subscriber.name());
      }
    }
    eventTransports.forEach((transport, settings) -> {
      Envelope addressed = addressed(event, audiences.get(transport));
      deliveries.add(withRetries(settings, event.context(), stream + " on " + transport.spelling(),
          () -> transports.events(transport).publishEvent(stream, addressed)));
    });
    LOGGER.debug("{} emit {} on {} to {} deliveries", event.context().logTag(), eventId, stream, deliveries.size());
    return Future.join(deliveries).mapEmpty();
  }

  /** The context a subscriber's handler sees: without the attributes the platform addresses events with. */
  static CallContext forHandler(CallContext context) {
    return context.withoutAttribute(AUDIENCE).withoutAttribute(TYPE);
  }

  /** The event addressed to {@code subscribers}: only they take it from the stream. */
  static Envelope addressed(Envelope event, List<String> subscribers) {
    return event.withContext(event.context().withAttributes(Map.of(AUDIENCE, String.join(",", subscribers))));
  }

  private <T> Future<T> withRetries(OperationSettings settings, CallContext context, String target,
                                    Supplier<Future<T>> delivery) {
    return attempt(settings, context, target, delivery, 1);
  }

  private <T> Future<T> attempt(OperationSettings settings, CallContext context, String target,
                                Supplier<Future<T>> delivery, int attempt) {
    return delivery.get().recover(failure -> {
      OperationException reason = OperationException.from(target, failure);
      if (!reason.outcomeUncertain() || attempt > settings.retries()) {
        LOGGER.debug("{} event not delivered to {} after {} attempt(s): {}", context.logTag(), target, attempt,
            reason.getMessage());
        return Future.failedFuture(reason);
      }
      long backoff = Math.max(1, Backoff.delayMs(settings.retryBackoffMs(), attempt - 1, Long.MAX_VALUE));
      return vertx.timer(backoff).compose(waited -> attempt(settings, context, target, delivery, attempt + 1));
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Future<?> invokeUnchecked(Operation subscriber, Envelope event, String messageId) {
    Message parsed = subscriber.parseRequest(event.body().getBytes());
    return invoker.invoke(subscriber, parsed, event.context(), messageId);
  }
}
