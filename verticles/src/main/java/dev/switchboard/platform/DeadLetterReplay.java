package dev.switchboard.platform;

import dev.switchboard.platform.config.Transport;
import dev.switchboard.platform.store.DeadLetterStore;
import dev.switchboard.platform.store.ProcessedMessages;
import dev.switchboard.platform.transport.EventTransport;
import dev.switchboard.platform.transport.Envelope;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends dead letters again on their operation's current event path: a command with the transport's
 * {@code sendCommand}, a stream's event published to the stream again, addressed to the subscriber
 * that gave up on it (one that no longer takes the event's type is skipped, saying so). The message
 * keeps its id and headers, so deduplication still applies:
 * <ul>
 *   <li>the consumer's processed record of the message is the failure that dead-lettered it; it is
 *       forgotten, so that the handler runs again, only while the message's latest dead letter has not
 *       been replayed yet. A replay that succeeded is recorded, and replaying it a second time changes
 *       nothing; a replay that failed again is a new dead letter, which may be replayed in turn;</li>
 *   <li>dead letters of the same message replayed together are sent once.</li>
 * </ul>
 * Each replay is counted in the store ({@code replays}, {@code replayedAtMs}). Replays of one process
 * run one at a time.
 */
public final class DeadLetterReplay {

  private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterReplay.class);

  /** What a replay did: how many dead letters were sent again, and which were not, and why. */
  public record Report(String operation, int replayed, List<Skipped> skipped) {
  }

  public record Skipped(String id, String why) {
  }

  /** Every dead letter of an operation, with its replays, oldest first: read again for each replay. */
  private final java.util.function.Function<Operation<?, ?>, Future<List<DeadLetter>>> deadLetters;
  private final Transports transports;
  private final DeadLetterStore store;
  private final ProcessedMessages processed;
  /** The replay running now: replays of this process run one after the other, never interleaved. */
  private Future<?> running = Future.succeededFuture();

  DeadLetterReplay(java.util.function.Function<Operation<?, ?>, Future<List<DeadLetter>>> deadLetters,
                   Transports transports, DeadLetterStore store,
                   ProcessedMessages processed) {
    this.deadLetters = deadLetters;
    this.transports = transports;
    this.store = store;
    this.processed = processed;
  }

  /**
   * Replays the dead letters of {@code operation} with {@code ids} (an id it does not have is skipped),
   * or every one not replayed yet. Fails with FAILED_PRECONDITION while the operation is in rpc mode:
   * nothing consumes its messages as events then.
   */
  synchronized Future<Report> replay(Operation<?, ?> operation, Optional<List<String>> ids) {
    // two replays of the same dead letter at once would both see it not replayed yet
    Future<Report> next = running.transform(previous -> replayNow(operation, ids));
    running = next;
    return next;
  }

  private Future<Report> replayNow(Operation<?, ?> operation, Optional<List<String>> ids) {
    return deadLetters.apply(operation).compose(all -> {
      Map<String, DeadLetter> byId = new LinkedHashMap<>();
      all.forEach(letter -> byId.put(letter.id(), letter));
      List<Skipped> skipped = new ArrayList<>();
      List<DeadLetter> chosen = new ArrayList<>();
      if (ids.isPresent()) {
        for (String id : new LinkedHashSet<>(ids.get())) {
          DeadLetter letter = byId.get(id);
          if (letter == null) {
            skipped.add(new Skipped(id, "no dead letter " + id + " of " + operation.name()));
          } else {
            chosen.add(letter);
          }
        }
        chosen.sort(Comparator.comparingLong(DeadLetter::deadAtMs));
      } else {
        all.stream().filter(letter -> letter.replays() == 0).forEach(chosen::add);
      }
      Map<String, List<DeadLetter>> byMessage = new LinkedHashMap<>();
      chosen.forEach(letter -> byMessage.computeIfAbsent(letter.messageId(), id -> new ArrayList<>()).add(letter));
      Map<String, DeadLetter> latest = new HashMap<>();
      // all is oldest first: the last one seen of a message is its latest
      all.forEach(letter -> latest.put(letter.messageId(), letter));
      Future<Integer> chain = Future.succeededFuture(0);
      for (List<DeadLetter> letters : byMessage.values()) {
        DeadLetter latestOfMessage = latest.get(letters.get(0).messageId());
        chain = chain.compose(replayed -> sendAgain(operation, letters, latestOfMessage)
            .map(sent -> replayed + letters.size())
            .recover(failure -> {
              String why = OperationException.from(operation.name(), failure).getMessage();
              letters.forEach(letter -> skipped.add(new Skipped(letter.id(), why)));
              return Future.succeededFuture(replayed);
            }));
      }
      return chain.map(replayed -> new Report(operation.name(), replayed, List.copyOf(skipped)));
    });
  }

  /**
   * Sends one message again (the dead letters of it being replayed) on the transport it was
   * dead-lettered from — every process serving the operation consumes there, whatever its mode —
   * and counts the replay of each. A stream event goes back to the one subscriber that gave up on it.
   */
  private Future<Void> sendAgain(Operation<?, ?> operation, List<DeadLetter> letters, DeadLetter latest) {
    Envelope message = letters.get(0).message();
    String messageId = message.context().messageId();
    String type = message.context().attributes().get(Emitter.TYPE);
    if (!operation.takesType(type)) {
      // its consumer would let it pass: reported as skipped, not as replayed
      return Future.failedFuture(new OperationException(ErrorCode.FAILED_PRECONDITION,
          operation.name() + " no longer takes " + type + " events; nothing would handle it"));
    }
    // the record is the failure that dead-lettered the message unless a replay came after that dead letter;
    // a recorded success is never forgotten, whatever the dead letters say
    Future<Boolean> forgotten = latest.replays() == 0 ? processed.recorded(operation.name(), messageId)
        .compose(found -> found.flatMap(ProcessedMessages.Seen.Done::result).filter(result -> !result.isFailure())
            .isPresent() ? Future.succeededFuture(false) : processed.forget(operation.name(), messageId))
        : Future.succeededFuture(false);
    Transport transport = Transport.valueOf(letters.get(0).transport().toUpperCase(java.util.Locale.ROOT));
    EventTransport events = transports.events(transport);
    return forgotten
        .compose(forgot -> operation.stream().isPresent()
            ? events.publishEvent(operation.stream().get(), Emitter.addressed(message, List.of(operation.name())))
            : events.sendCommand(operation.name(), message))
        .compose(sent -> store.replayed(letters.stream().map(DeadLetter::id).toList()))
        .onSuccess(done -> LOGGER.info("{} {} msg={} replayed on {} ({})", message.context().logTag(), operation,
            messageId, transport.spelling(), letters.stream().map(DeadLetter::id).toList()));
  }
}
