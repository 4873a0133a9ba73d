package dev.switchboard.node;

import dev.switchboard.platform.check.Finding;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.transport.BrokerUnreachableException;
import dev.switchboard.platform.transport.UnsafeReplicasException;
import dev.switchboard.platform.store.StoreOpenException;
import io.netty.channel.unix.Errors;

import java.net.BindException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A node that could not start, told in one line an operator can act on: what failed, the key to
 * change and why. The known causes are turned into that line here, in one place; any other failure
 * names the start-up step it happened in and its own message.
 */
public final class StartupFailure extends RuntimeException {

  /** The steps of a node's start-up, in order. */
  public enum Step {
    CLUSTER("joining the cluster"),
    PLATFORM("opening the store and the transports"),
    MANAGEMENT("starting the management port"),
    SERVICES("starting the services"),
    BRIDGE("starting the Kafka bridge"),
    REPLICAS("checking that the replicas in this process's Kafka groups share its store"),
    INTERNAL("opening the internal listener"),
    GRPC("starting the gRPC edge");

    private final String description;

    Step(String description) {
      this.description = description;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private StartupFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code failure} of {@code step} as one line; a failure told already (or a bad value) stays as it is. */
  public static RuntimeException of(Step step, Throwable failure, NodeConfig config) {
    if (failure instanceof StartupFailure || failure instanceof ConfigException) {
      return (RuntimeException) failure;
    }
    return new StartupFailure(describe(step, failure, config), failure);
  }

  /** A process that is not one of {@code cluster.members} found none of them. */
  static StartupFailure clusterUnreachable(ClusterConfig cluster) {
    return new StartupFailure("cluster.members " + String.join(",", cluster.members()) + ": none answered "
        + cluster.host() + ":" + cluster.port() + ", which is not listed itself and so may only join; start a listed"
        + " member first, or list this process (cluster.host:cluster.port) in cluster.members to let it start alone",
        null);
  }

  /**
   * The configuration fails the pre-flip check: {@code serve} does not start a node that would lose or
   * duplicate work. Names every error, one after the other.
   */
  public static StartupFailure failedCheck(List<Finding> errors) {
    return new StartupFailure("the configuration fails the pre-flip check (switchboard check --config FILE shows"
        + " every finding): " + errors.stream().map(error -> error.key() + ": " + error.message())
        .collect(Collectors.joining("; ")), null);
  }

  /** The command line's bound on start-up was reached. */
  public static StartupFailure timedOut(NodeConfig config) {
    return new StartupFailure("start-up did not finish within " + config.startupTimeoutMs() + " ms ("
        + NodeConfig.STARTUP_TIMEOUT + "); the log above shows the step it was in", null);
  }

  private static String describe(Step step, Throwable failure, NodeConfig config) {
    BrokerUnreachableException broker = find(failure, BrokerUnreachableException.class);
    if (broker != null) {
      return broker.getMessage();
    }
    UnsafeReplicasException replicas = find(failure, UnsafeReplicasException.class);
    if (replicas != null) {
      return replicas.getMessage();
    }
    StoreOpenException store = find(failure, StoreOpenException.class);
    if (store != null) {
      return store.inUse()
          ? store.setting() + " is in use by another process; give each process a store of its own"
          : store.setting() + ": " + store.getMessage();
    }
    String reason = bindFailure(failure);
    if (reason != null) {
      switch (step) {
        case GRPC:
          return listener("grpc.host", config.edge().grpcHost(), "grpc.port", config.edge().grpcPort(), reason);
        case INTERNAL:
          return listener("internal.host", config.platform().internal().host(), "internal.port",
              config.platform().internal().port(), reason);
        case MANAGEMENT:
          return listener("http.host", config.edge().httpHost(), "http.port", config.edge().httpPort(), reason);
        case CLUSTER:
          // Hazelcast binds cluster.port first; the event bus binds its own port once the member has joined
          return find(failure, com.hazelcast.core.HazelcastException.class) != null
              ? listener("cluster.host", config.cluster().host(), "cluster.port", config.cluster().port(), reason)
              : listener("cluster.host", config.cluster().host(), "cluster.eventBusPort",
                  config.cluster().eventBusPort(), reason);
        default:
          break;
      }
    }
    return "start-up failed while " + step + ": " + rootMessage(failure);
  }

  /** A listener that could not bind: the port is taken, or the host is not an address of this machine. */
  private static String listener(String hostKey, String host, String portKey, int port, String reason) {
    if (reason.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
      return portKey + " " + port + " on " + hostKey + " " + host + " is in use by another process;"
          + " stop that process or choose another " + portKey + " (0 picks a free one)";
    }
    return hostKey + " " + host + " (" + portKey + " " + port + ") cannot be bound: " + reason
        + "; give an address of this machine";
  }

  /**
   * Why a listener could not bind, or null when {@code failure} is not a bind failure. The JDK's
   * sockets throw a {@link BindException}; Netty's native transport an {@link Errors.NativeIoException}
   * from its {@code bind(..)} call ("bind(..) failed with error(-98): Address already in use").
   */
  private static String bindFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (cause instanceof BindException) {
        return message == null ? "cannot bind" : message;
      }
      if (cause instanceof Errors.NativeIoException && message != null && message.startsWith("bind(")) {
        return message;
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = failure.getMessage() != null ? failure.getMessage() : root.getMessage();
    return message != null ? message : root.getClass().getSimpleName();
  }
}
