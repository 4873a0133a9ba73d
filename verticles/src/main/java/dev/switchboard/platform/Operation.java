package dev.switchboard.platform;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * One operation of a service, such as {@code payment.charge}: its name, the protobuf types of its
 * request and reply, whether it subscribes to a stream of domain events (and to which of their types,
 * {@link #takes}), and how its handler takes
 * a message handed in twice ({@link Handling}: {@link Handling#PLAIN} unless declared with
 * {@link #handled}; {@link Switchboard#serve} refuses a handler of another kind). The mode and the
 * transport are not part of it: they come from configuration.
 *
 * @param <Q> request type
 * @param <R> reply type
 */
public final class Operation<Q extends Message, R extends Message> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]*(\\.[a-z][a-zA-Z0-9]*)+");

  private final String name;
  private final Parser<Q> requestParser;
  private final Parser<R> replyParser;
  private final String stream;
  private final Set<String> eventTypes;
  private final Handling handling;

  private Operation(String name, Parser<Q> requestParser, Parser<R> replyParser, String stream,
                    Set<String> eventTypes, Handling handling) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("operation name must look like service.action: " + name);
    }
    this.name = name;
    this.requestParser = Objects.requireNonNull(requestParser);
    this.replyParser = Objects.requireNonNull(replyParser);
    this.stream = stream;
    this.eventTypes = Set.copyOf(eventTypes);
    this.handling = Objects.requireNonNull(handling);
  }

  /** An operation that callers invoke with a request. */
  public static <Q extends Message, R extends Message> Operation<Q, R> of(String name, Parser<Q> request, Parser<R> reply) {
    return new Operation<>(name, request, reply, null, Set.of(), Handling.PLAIN);
  }

  /**
   * An operation that is invoked with every event emitted on {@code stream} (or those of the types it
   * {@link #takes}): in event mode it consumes the stream without the producer knowing it; in rpc mode
   * the producer calls it and waits.
   */
  public static <Q extends Message, R extends Message> Operation<Q, R> subscriber(String name, String stream,
                                                                              Parser<Q> event, Parser<R> ack) {
    return new Operation<>(name, event, ack, Objects.requireNonNull(stream), Set.of(), Handling.PLAIN);
  }

  /** The same operation, its handler declared to be of {@code kind}. */
  public Operation<Q, R> handled(Handling kind) {
    return new Operation<>(name, requestParser, replyParser, stream, eventTypes, kind);
  }

  /**
   * The same subscriber, handed only the events of these types ({@link EventTypes}: the kinds of the
   * stream's events, such as {@code OrderConfirmed.getDescriptor()}): the platform neither delivers
   * nor records the others for it, in either mode. Without it a subscriber takes every event. An
   * event that comes without a type (from outside the platform, or kept in the outbox or as a dead
   * letter before types were stamped) is handed to every subscriber: a handler still checks the kind
   * it acts on. Refused: a type no event of the subscriber's message can have.
   */
  public Operation<Q, R> takes(Descriptor... types) {
    if (stream == null) {
      throw new IllegalStateException(name + " subscribes to no stream: it takes no events");
    }
    if (types.length == 0) {
      throw new IllegalArgumentException(name + ": name at least one event type, or leave takes() out for all");
    }
    Set<String> names = Arrays.stream(types).map(Descriptor::getFullName).collect(Collectors.toSet());
    Set<String> possible = eventTypesOf(parseRequest(new byte[0]).getDescriptorForType());
    for (String type : names) {
      if (!possible.contains(type)) {
        // a type no event of the stream can have would starve the subscriber without a word
        throw new IllegalArgumentException(name + ": its events are never of type " + type + "; expected one of "
            + new TreeSet<>(possible));
      }
    }
    return new Operation<>(name, requestParser, replyParser, stream, names, handling);
  }

  /** The types {@link EventTypes#of} can give an event of this message: its oneofs' message kinds, or itself. */
  private static Set<String> eventTypesOf(Descriptor event) {
    Set<String> types = new HashSet<>();
    types.add(event.getFullName());
    event.getRealOneofs().forEach(oneof -> oneof.getFields().stream()
        .filter(field -> field.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
        .forEach(field -> types.add(field.getMessageType().getFullName())));
    return types;
  }

  public String name() {
    return name;
  }

  /** How the operation's handler takes a message handed in twice, as the application declares it. */
  public Handling handling() {
    return handling;
  }

  /** Where every Switchboard process serves its rpc operations over gRPC, one method per operation. */
  public static final String GRPC_SERVICE = "switchboard.platform.v1.Operations";

  /** The gRPC method of the operation: {@value #GRPC_SERVICE}/{@code <name with underscores for dots>}. */
  public static String grpcMethod(String operation) {
    return GRPC_SERVICE + "/" + operation.replace('.', '_');
  }

  public Optional<String> stream() {
    return Optional.ofNullable(stream);
  }

  /** The event types a subscriber takes, full protobuf names; empty for every one (and for a non-subscriber). */
  public Set<String> eventTypes() {
    return eventTypes;
  }

  /** Whether the subscriber is handed an event of {@code type} (null: an event without a type, handed to all). */
  public boolean takesType(String type) {
    return eventTypes.isEmpty() || type == null || eventTypes.contains(type);
  }

  public Q parseRequest(byte[] bytes) {
    return parse(requestParser, bytes, "request");
  }

  public R parseReply(byte[] bytes) {
    return parse(replyParser, bytes, "reply");
  }

  private <T> T parse(Parser<T> parser, byte[] bytes, String what) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OperationException(ErrorCode.INVALID_ARGUMENT, name + ": undecodable " + what + ": " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Operation<?, ?> that && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
