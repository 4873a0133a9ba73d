package dev.switchboard.node;

import dev.switchboard.edge.BridgeConfig;

import dev.switchboard.edge.EdgeConfig;

import dev.switchboard.edge.KafkaBridgeVerticle;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.CheckoutConfig;
import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.platform.ApplicationModel;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.OperationCatalog;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.PlatformConfig;
import dev.switchboard.platform.config.Settings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole configuration of one process, validated at once: an unknown key, an unknown operation
 * or a bad value stops start-up with a {@link dev.switchboard.platform.config.ConfigException}.
 *
 * @param services         the services this process runs ({@code services}, default all): a split
 *                         deployment runs a subset in each process
 * @param startupTimeoutMs {@code startup.timeoutMs}: how long the command line waits for the node to
 *                         start before it gives up and exits
 * @param instance         {@code instance.id}: this process's name among the replicas ({@link InstanceId})
 * @param eventLoops       {@code vertx.eventLoops}: the Vert.x instance's event-loop threads ({@link #eventLoops})
 */
public record NodeConfig(Settings settings, List<Operation<?, ?>> operations, PlatformConfig platform,
                         CheckoutConfig checkout, EdgeConfig edge, BridgeConfig bridge, List<String> services,
                         ClusterConfig cluster, long startupTimeoutMs, String instance, int eventLoops) {

  public static final String SERVICES = "services";
  public static final String STARTUP_TIMEOUT = "startup.timeoutMs";
  public static final String EVENT_LOOPS = "vertx.eventLoops";

  private static final int MAX_EVENT_LOOPS = 1_024;

  public static NodeConfig from(Settings settings) {
    Set<String> keys = new HashSet<>();
    keys.addAll(PlatformConfig.KEYS);
    keys.addAll(CheckoutConfig.KEYS);
    keys.addAll(EdgeConfig.KEYS);
    keys.addAll(BridgeConfig.KEYS);
    keys.add(SERVICES);
    keys.add(STARTUP_TIMEOUT);
    keys.add(InstanceId.KEY);
    keys.add(EVENT_LOOPS);
    keys.addAll(ClusterConfig.KEYS);
    Set<String> prefixes = new HashSet<>();
    prefixes.addAll(PlatformConfig.PREFIXES);
    prefixes.addAll(CheckoutConfig.PREFIXES);
    settings.requireKnownKeys(keys, prefixes);
    BridgeConfig bridge = BridgeConfig.from(settings);
    CheckoutConfig checkout = CheckoutConfig.from(settings);
    List<Operation<?, ?>> operations = new ArrayList<>(CheckoutOperations.ALL);
    operations.addAll(CheckoutOperations.views(checkout.views()));
    if (bridge.enabled()) {
      operations.add(KafkaBridgeVerticle.BRIDGE_ORDER_EVENTS);
    }
    Set<String> names = operations.stream().map(Operation::name).collect(Collectors.toSet());
    EdgeConfig edge = EdgeConfig.from(settings);
    String instance = InstanceId.from(settings, edge.httpPort());
    return new NodeConfig(settings, List.copyOf(operations), PlatformConfig.from(settings, names).withInstance(instance),
        checkout, edge, bridge, services(settings),
        ClusterConfig.from(settings), settings.getLong(STARTUP_TIMEOUT, 60_000, 1_000, 3_600_000), instance,
        eventLoops(settings));
  }

  /**
   * {@code vertx.eventLoops}: how many event-loop threads the process's Vert.x instance has; {@code auto}
   * (the default) is half the processors, at least one. The services' verticles are spread over them,
   * and every message from a verticle on one event loop to one on another is a hand-off between
   * threads (queued, the other thread woken), which on a small machine costs more CPU than the
   * message's own work: on two cores the checkout took about a fifth less CPU per order with one
   * event loop than with Vert.x's default of two per processor. The rest of the processors go to the
   * store's writer, the Kafka clients' threads, the garbage collector and the JIT.
   */
  public static int eventLoops(Settings settings) {
    String value = settings.getString(EVENT_LOOPS, "auto").trim();
    if (value.equals("auto")) {
      return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
    try {
      int loops = Integer.parseInt(value);
      if (loops >= 1 && loops <= MAX_EVENT_LOOPS) {
        return loops;
      }
    } catch (NumberFormatException notANumber) {
      // refused below, naming what is allowed
    }
    throw new ConfigException(EVENT_LOOPS, value, "auto (half the processors, at least 1), or a number of event"
        + " loops from 1 to " + MAX_EVENT_LOOPS);
  }

  private static List<String> services(Settings settings) {
    String value = settings.getString(SERVICES, "all").trim();
    if (value.equals("all")) {
      return CheckoutApplication.SERVICES;
    }
    List<String> services = new ArrayList<>();
    for (String service : value.split(",")) {
      String name = service.trim();
      if (!CheckoutApplication.SERVICES.contains(name)) {
        throw new ConfigException(SERVICES, value, "'all', or services separated by commas from "
            + CheckoutApplication.SERVICES);
      }
      if (!services.contains(name)) {
        services.add(name);
      }
    }
    return List.copyOf(services);
  }

  /**
   * What the application declares, for the pre-flip check: the operations this configuration knows
   * (with how each handler is served) and the sagas of the checkout.
   */
  public ApplicationModel application() {
    return new ApplicationModel(new OperationCatalog(operations), CheckoutApplication.SAGAS);
  }

  public boolean runs(String service) {
    return services.contains(service);
  }
}
