package dev.switchboard.platform.transport;

import dev.switchboard.platform.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.ConsumerGroupDescription;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.MemberDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rule for replicas on Kafka: the processes consuming in one group must share one store. A store
 * deduplicates the work done through it (message ids, idempotency keys, saga versions); two stores do
 * not see each other's, so a record redelivered to the other replica after a rebalance, or a command a
 * resuming saga sends again, would have its effect twice.
 *
 * <p>Every consumer the platform makes says who it is in Kafka's own group membership: its
 * {@code client.id} is {@code switchboard_<instance.id>_<store id>_<n>} ({@link #clientId()}; the
 * number keeps the consumers of one JVM apart, as Kafka's JMX names need). At start-up, once the
 * consumers of this process's operations and stream subscribers (and the bridge's commands) have
 * joined their groups, {@link #run} describes those groups with the admin client; a member whose
 * store id is not this process's fails start-up with an {@link UnsafeReplicasException}. Members
 * whose client id is not of that form (consumers outside the platform) are not judged. The groups of
 * result events are not checked: every process that invokes an operation in event mode reads its
 * results, whichever services it runs.
 *
 * <p>Until the check has passed, the watched consumers of a {@linkplain #holding holding} check take
 * records but work on none ({@link KafkaRecordConsumer#holdUntil}), so a refused process has done
 * nothing through its own store. Joining is awaited at most {@value #JOIN_BOUND_MS} ms (a join may
 * wait for a crashed member's session to end); after that the members the broker lists are checked
 * anyway. Two processes starting at once both check after their own join, so the later of the two
 * joins sees the other: one of them, or both, is refused.
 */
public final class ReplicaCheck {

  private static final Logger LOGGER = LoggerFactory.getLogger(ReplicaCheck.class);

  /** How long the check waits for the watched consumers to join their groups before it looks anyway. */
  public static final long JOIN_BOUND_MS = 5_000;
  static final String CLIENT_ID_PREFIX = "switchboard_";
  /** The instance may hold '_' itself; the store id and the number cannot, so they are the last two fields. */
  private static final Pattern CLIENT_ID = Pattern.compile(
      Pattern.quote(CLIENT_ID_PREFIX) + "(.+)_([A-Za-z0-9-]{1,64})_([0-9]+)");
  private static final String DEFAULT_SESSION_TIMEOUT_MS = "45000";
  private static final AtomicInteger CONSUMERS = new AtomicInteger();

  private final String instance;
  private final String storeId;
  private final KafkaSettings kafka;
  private final boolean holding;
  private final Promise<Void> cleared = Promise.promise();
  private final List<KafkaRecordConsumer> watched = new CopyOnWriteArrayList<>();

  private ReplicaCheck(String instance, String storeId, KafkaSettings kafka, boolean holding) {
    this.instance = instance;
    this.storeId = storeId;
    this.kafka = kafka;
    this.holding = holding;
    if (!holding) {
      cleared.complete();
    }
  }

  /** A check whose watched consumers work on nothing until {@link #run} has passed (a node's start-up). */
  public static ReplicaCheck holding(String instance, String storeId, KafkaSettings kafka) {
    return new ReplicaCheck(instance, storeId, kafka, true);
  }

  /** A check whose consumers work at once, whether or not it ever runs. */
  public static ReplicaCheck notHolding(String instance, String storeId, KafkaSettings kafka) {
    return new ReplicaCheck(instance, storeId, kafka, false);
  }

  public String storeId() {
    return storeId;
  }

  /** A new client id for one consumer of this process: {@code switchboard_<instance>_<store id>_<n>}. */
  public String clientId() {
    return CLIENT_ID_PREFIX + instance + "_" + storeId + "_" + CONSUMERS.incrementAndGet();
  }

  /** {@code kafkaConfig} with a new {@link #clientId()} (in place of any {@code kafka.client.id}). */
  public Map<String, String> consumerConfig(Map<String, String> kafkaConfig) {
    Map<String, String> config = new HashMap<>(kafkaConfig);
    config.put("client.id", clientId());
    return Map.copyOf(config);
  }

  /**
   * Checks {@code consumer}'s group at start-up; if this check holds, the consumer works on no record
   * before the check has passed. Call before the consumer starts.
   */
  public KafkaRecordConsumer watch(KafkaRecordConsumer consumer) {
    watched.add(consumer);
    consumer.holdUntil(cleared.future());
    return consumer;
  }

  /**
   * Waits (at most {@value #JOIN_BOUND_MS} ms) for the watched consumers to join their groups, then
   * describes the groups: passes, letting the consumers work, when every member of the platform's has
   * this store's id; fails with an {@link UnsafeReplicasException} otherwise, or with the cause when
   * the groups cannot be described.
   */
  public Future<Void> run(Vertx vertx) {
    List<KafkaRecordConsumer> consumers = List.copyOf(watched);
    if (consumers.isEmpty()) {
      cleared.tryComplete();
      return Future.succeededFuture();
    }
    List<String> groups = consumers.stream().map(KafkaRecordConsumer::group).distinct().sorted().toList();
    Promise<Boolean> joinedInTime = Promise.promise();
    long bound = vertx.setTimer(JOIN_BOUND_MS, expired -> joinedInTime.tryComplete(false));
    Future.join(consumers.stream().map(KafkaRecordConsumer::joined).toList()).onComplete(all -> {
      vertx.cancelTimer(bound);
      joinedInTime.tryComplete(true);
    });
    return joinedInTime.future()
        .compose(inTime -> describe(vertx, groups).map(described -> {
          List<String> late = inTime ? List.of() : consumers.stream().filter(consumer -> !consumer.joined().isComplete())
              .map(KafkaRecordConsumer::group).distinct().sorted().toList();
          return judge(described, late);
        }))
        .onSuccess(passed -> {
          LOGGER.info("replica check: {}", passed);
          cleared.tryComplete();
        })
        .onFailure(cleared::tryFail)
        .mapEmpty();
  }

  /** The groups as the broker describes them, with an admin client of the check's own, closed after. */
  private Future<Map<String, ConsumerGroupDescription>> describe(Vertx vertx, List<String> groups) {
    long timeout = kafka.startupTimeoutMs();
    Map<String, String> config = new HashMap<>(kafka.clientConfig());
    config.put("request.timeout.ms", Long.toString(timeout));
    config.put("default.api.timeout.ms", Long.toString(timeout));
    // creating the client resolves the broker addresses: off the event loop
    return vertx.executeBlocking(() -> KafkaAdminClient.create(vertx, config))
        .compose(admin -> admin.describeConsumerGroups(groups)
            .timeout(timeout, TimeUnit.MILLISECONDS)
            .onComplete(described -> admin.close(0)))
        .recover(failure -> Future.failedFuture(new IllegalStateException("kafka consumer groups "
            + String.join(", ", groups) + " could not be described to check that their members share this"
            + " process's store: " + failure.getMessage(), failure)));
  }

  /**
   * The line to log when every member of the platform's in {@code described} has this store's id.
   *
   * @param late the groups some consumer of this process had not joined within the bound
   * @throws UnsafeReplicasException naming each member with another store, and what is allowed
   */
  String judge(Map<String, ConsumerGroupDescription> described, List<String> late) {
    Map<String, List<Member>> others = new LinkedHashMap<>();
    TreeSet<String> instances = new TreeSet<>();
    for (String group : new TreeSet<>(described.keySet())) {
      for (MemberDescription description : described.get(group).getMembers()) {
        Optional<Member> member = Member.of(description.getClientId(), description.getHost());
        if (member.isEmpty()) {
          LOGGER.debug("replica check: group {}: member {} is not a Switchboard consumer; not judged", group,
              description.getClientId());
        } else if (!member.get().storeId().equals(storeId)) {
          others.computeIfAbsent(group, name -> new ArrayList<>()).add(member.get());
        } else {
          instances.add(member.get().instance());
        }
      }
    }
    if (!others.isEmpty()) {
      throw new UnsafeReplicasException(refusal(others));
    }
    return "kafka groups " + String.join(", ", new TreeSet<>(described.keySet())) + ": every member shares store "
        + storeId + " (instances " + String.join(", ", instances) + ")"
        + (late.isEmpty() ? "" : "; not yet joined within " + JOIN_BOUND_MS + " ms: " + String.join(", ", late)
            + ", whose members were checked as the broker listed them then");
  }

  /**
   * Names each other process once (by instance, host and store), with the groups it is a member of
   * and the client id of one of its consumers, then why that is refused and what is allowed.
   */
  private String refusal(Map<String, List<Member>> others) {
    Map<String, List<String>> groupsOf = new LinkedHashMap<>();
    Map<String, Member> exampleOf = new LinkedHashMap<>();
    others.forEach((group, members) -> members.forEach(member -> {
      String process = "instance " + member.instance() + " on host " + member.host() + " with store " + member.storeId();
      exampleOf.putIfAbsent(process, member);
      List<String> groups = groupsOf.computeIfAbsent(process, key -> new ArrayList<>());
      if (!groups.contains(group)) {
        groups.add(group);
      }
    }));
    String members = groupsOf.entrySet().stream().map(entry -> {
      List<String> groups = entry.getValue();
      return (groups.size() == 1 ? "kafka group " + groups.get(0) + " has a member of "
          : "kafka groups " + String.join(", ", groups) + " have members of ")
          + entry.getKey() + " (client id " + exampleOf.get(entry.getKey()).clientId() + ")";
    }).collect(Collectors.joining("; "));
    String sessionTimeout = kafka.clientConfig().getOrDefault("session.timeout.ms", DEFAULT_SESSION_TIMEOUT_MS);
    return members + ", but this process (instance " + instance + ") has store " + storeId
        + ": replicas with stores of their own cannot deduplicate each other's work (a command or event redelivered"
        + " to the other after a rebalance, or sent again by a resuming saga, would be handled by two stores and"
        + " its effect made twice), so this process does not start. Replicas of a service must share one store:"
        + " set store.url to the same PostgreSQL database on each (a process that is not meant to be a replica"
        + " needs topics.prefix of its own). If that member is a process that has stopped, the group still lists"
        + " it until its session times out (kafka.session.timeout.ms, " + sessionTimeout + " ms): start again"
        + " after that";
  }

  /** A member of a group that is a consumer of the platform's, read from its client id. */
  record Member(String clientId, String host, String instance, String storeId) {

    static Optional<Member> of(String clientId, String host) {
      Matcher matcher = clientId == null ? null : CLIENT_ID.matcher(clientId);
      if (matcher == null || !matcher.matches()) {
        return Optional.empty();
      }
      String shownHost = host == null ? "?" : host.startsWith("/") ? host.substring(1) : host;
      return Optional.of(new Member(clientId, shownHost, matcher.group(1), matcher.group(2)));
    }

  }
}
