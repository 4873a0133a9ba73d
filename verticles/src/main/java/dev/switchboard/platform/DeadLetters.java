package dev.switchboard.platform;

import dev.switchboard.platform.config.OperationSettings;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.store.DeadLetterStore;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.KafkaDeadLetterReader;
import dev.switchboard.platform.transport.KafkaDeadLetterReader.DeadRecord;
import dev.switchboard.platform.transport.KafkaDeadLetters;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dead letters of this process's operations, wherever their transport leaves them, as one list:
 * those of the event bus, which keeps nothing, are kept in the store ({@link DeadLetterStore}) when the
 * {@link ConsumerPipeline} gives up on a message; those of Kafka are read back from the operation's
 * {@code .dlq} topics (its command topic's, or for a subscriber its stream topic's, where it is the one
 * that gave up). Each is shown with the same fields and its message decoded as JSON, and can be sent
 * again ({@link DeadLetterReplay}).
 */
public final class DeadLetters {

  private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetters.class);
  /** The most dead letters read from each place for a replay of "every one not replayed yet". */
  static final int MAX_READ = 10_000;
  /** How long reading the {@code .dlq} topics may take before it fails (a broker that does not answer). */
  private static final long KAFKA_READ_TIMEOUT_MS = 10_000;
  private static final Set<String> DEAD_LETTER_HEADERS = Set.of(Envelope.ERROR_CODE, Envelope.ERROR_MESSAGE,
      KafkaDeadLetters.ORIGINAL_TOPIC, KafkaDeadLetters.ORIGINAL_PARTITION, KafkaDeadLetters.ORIGINAL_OFFSET,
      KafkaDeadLetters.ATTEMPTS, KafkaDeadLetters.DEAD_LETTERED_BY);

  private final Vertx vertx;
  private final OperationCatalog catalog;
  private final PlatformConfig config;
  private final DeadLetterStore store;
  private final KafkaDeadLetterReader kafka;
  private final DeadLetterReplay replay;

  DeadLetters(Vertx vertx, OperationCatalog catalog, PlatformConfig config, Transports transports,
              DeadLetterStore store, ProcessedMessages processed) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.config = config;
    this.store = store;
    this.kafka = config.uses(Transport.KAFKA)
        ? new KafkaDeadLetterReader(vertx, config.kafka(), KAFKA_READ_TIMEOUT_MS) : null;
    this.replay = new DeadLetterReplay(this::all, transports, store, processed);
  }

  /** Keeps a dead letter of a transport that keeps none; a failure to keep it is logged, never passed on. */
  Future<Void> keep(Operation<?, ?> operation, Envelope message, DeadLetterException dead) {
    return store.keep(operation.name(), operation.stream().orElse(null), message, dead.reason().code().name(),
            String.valueOf(dead.reason().getMessage()), dead.attempts())
        .onFailure(failure -> LOGGER.error("{} {} dead letter of msg={} not kept: {}", message.context().logTag(),
            operation, message.context().messageId(), failure.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /**
   * The newest dead letters first, at most {@code limit}, each with its message as JSON: of one
   * operation, or (empty) of all. Fails with NOT_FOUND for an operation the application does not
   * declare, UNAVAILABLE when a {@code .dlq} topic cannot be read in time.
   */
  public Future<List<DeadLetter>> list(Optional<String> operation, int limit) {
    if (operation.isPresent() && catalog.find(operation.get()).isEmpty()) {
      return Future.failedFuture(new OperationException(ErrorCode.NOT_FOUND, "no operation " + operation.get()));
    }
    // decoding up to a thousand messages is work for a worker, not for the event loop
    return gather(operation, limit).compose(letters -> vertx.executeBlocking(() -> letters.stream()
        .map(letter -> letter.withJson(catalog.find(letter.operation())
            .map(declared -> MessageJson.of(declared, letter.message().body().getBytes()))
            .orElseGet(() -> new JsonObject().put("error", "no operation " + letter.operation() + " to decode it"))))
        .toList(), false));
  }

  /**
   * Sends dead letters of {@code operation} again (those with {@code ids}, or every one not replayed
   * yet), with their message ids and headers, on the operation's current event path.
   */
  public Future<DeadLetterReplay.Report> replay(String operation, Optional<List<String>> ids) {
    Optional<Operation<?, ?>> declared = catalog.find(operation);
    if (declared.isEmpty()) {
      return Future.failedFuture(new OperationException(ErrorCode.NOT_FOUND, "no operation " + operation));
    }
    return replay.replay(declared.get(), ids);
  }

  /** Every dead letter of the operation (up to {@link #MAX_READ} from each place), with its replays, oldest first. */
  Future<List<DeadLetter>> all(Operation<?, ?> operation) {
    return gather(Optional.of(operation.name()), MAX_READ).map(found -> {
      List<DeadLetter> oldestFirst = new ArrayList<>(found);
      oldestFirst.sort(NEWEST_FIRST.reversed());
      return oldestFirst;
    });
  }

  private static final Comparator<DeadLetter> NEWEST_FIRST = Comparator.comparingLong(DeadLetter::deadAtMs)
      .thenComparing(DeadLetter::id).reversed();

  private Future<List<DeadLetter>> gather(Optional<String> operation, int limit) {
    Future<List<DeadLetterStore.Kept>> local = store.newest(operation, limit);
    Map<String, List<Operation<?, ?>>> topics = dlqTopics(operation);
    Future<List<DeadRecord>> onKafka = kafka == null || topics.isEmpty() ? Future.succeededFuture(List.of())
        : kafka.read(topics.keySet(), limit);
    return Future.all(local, onKafka)
        .compose(read -> vertx.executeBlocking(() -> newest(local.result(), onKafka.result(), topics, limit), false))
        .compose(newest -> store.replays(newest.stream().map(DeadLetter::id).toList()).map(replays -> newest.stream()
            .map(letter -> {
              DeadLetterStore.Replay replay = replays.get(letter.id());
              return replay == null ? letter : letter.withReplays(replay.count(), replay.lastAtMs());
            }).toList()));
  }

  /** The dead letters read from both places as one list, newest first, at most {@code limit}. */
  private static List<DeadLetter> newest(List<DeadLetterStore.Kept> local, List<DeadRecord> onKafka,
                                         Map<String, List<Operation<?, ?>>> topics, int limit) {
    List<DeadLetter> found = new ArrayList<>();
    local.forEach(kept -> found.add(fromStore(kept)));
    for (DeadRecord record : onKafka) {
      for (Operation<?, ?> candidate : topics.get(record.topic())) {
        String by = record.headers().get(KafkaDeadLetters.DEAD_LETTERED_BY);
        // a stream's .dlq holds the dead letters of every subscriber: each sees its own
        if (candidate.stream().isEmpty() ? by == null || by.equals(candidate.name()) : candidate.name().equals(by)) {
          found.add(fromKafka(candidate, record));
        }
      }
    }
    found.sort(NEWEST_FIRST);
    return List.copyOf(found.subList(0, Math.min(limit, found.size())));
  }

  /** The {@code .dlq} topics of the operations (one, or all) that Kafka carries, and whose dead letters each holds. */
  private Map<String, List<Operation<?, ?>>> dlqTopics(Optional<String> operation) {
    Map<String, List<Operation<?, ?>>> topics = new HashMap<>();
    for (OperationSettings settings : config.operations().values()) {
      if (operation.isPresent() && !operation.get().equals(settings.operation())
          || settings.eventTransport() != Transport.KAFKA) {
        continue;
      }
      catalog.find(settings.operation()).ifPresent(declared -> topics.computeIfAbsent(KafkaDeadLetters.topicOf(
          declared.stream().map(stream -> config.kafka().streamTopic(stream)).orElse(settings.topic())),
          topic -> new ArrayList<>()).add(declared));
    }
    return topics;
  }

  private static DeadLetter fromStore(DeadLetterStore.Kept kept) {
    return new DeadLetter("local:" + kept.id(), kept.operation(), Transport.LOCAL.spelling(), kept.stream(),
        kept.reasonCode(), kept.reasonMessage(), kept.attempts(), kept.deadAtMs(), null, kept.message(), null, 0, 0);
  }

  private static DeadLetter fromKafka(Operation<?, ?> operation, DeadRecord record) {
    Map<String, String> headers = record.headers();
    MultiMap envelopeHeaders = MultiMap.caseInsensitiveMultiMap();
    headers.forEach((name, value) -> {
      if (!DEAD_LETTER_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        envelopeHeaders.add(name, value);
      }
    });
    DeadLetter.Original original = new DeadLetter.Original(headers.getOrDefault(KafkaDeadLetters.ORIGINAL_TOPIC,
        ""), (int) number(headers.get(KafkaDeadLetters.ORIGINAL_PARTITION), -1),
        number(headers.get(KafkaDeadLetters.ORIGINAL_OFFSET), -1));
    Envelope message = Envelope.fromHeaders(Buffer.buffer(record.body()), envelopeHeaders);
    if (message.context().messageId().isEmpty()) {
      // as the consumer named it: a record from outside the platform is known by where it was
      message = message.withMessageId(original.topic() + "-" + original.partition() + "@" + original.offset());
    }
    return new DeadLetter("kafka:" + record.topic() + ":" + record.partition() + ":" + record.offset(),
        operation.name(), Transport.KAFKA.spelling(), operation.stream().orElse(null),
        headers.getOrDefault(Envelope.ERROR_CODE, ErrorCode.INTERNAL.name()),
        headers.getOrDefault(Envelope.ERROR_MESSAGE, ""), (int) number(headers.get(KafkaDeadLetters.ATTEMPTS), 1),
        record.timestampMs(), original, message, null, 0, 0);
  }

  private static long number(String text, long otherwise) {
    try {
      return text == null ? otherwise : Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
