package dev.switchboard.testing;

import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.config.Settings;

import java.util.HashMap;
import java.util.Map;

/**
 * Starts embedded nodes for tests: free ports on loopback, a small known catalogue, and whatever
 * overrides the test names.
 */
public final class TestNodes {

  public static final String APPLE = "SKU-APPLE";
  public static final String CHERRY = "SKU-CHERRY";
  public static final long APPLE_STOCK = 50;
  public static final long CHERRY_STOCK = 5;
  public static final long MAX_CHARGE_CENTS = 10_000;

  private TestNodes() {
  }

  public static Settings settings(Map<String, String> overrides) {
    Map<String, String> base = new HashMap<>();
    base.put("grpc.host", "127.0.0.1");
    base.put("grpc.port", "0");
    base.put("http.host", "127.0.0.1");
    base.put("http.port", "0");
    base.put("inventory.stock." + APPLE, Long.toString(APPLE_STOCK));
    base.put("inventory.stock." + CHERRY, Long.toString(CHERRY_STOCK));
    base.put("payment.maxChargeCents", Long.toString(MAX_CHARGE_CENTS));
    base.put("operations.orders.place.timeoutMs", "20000");
    return Settings.of(base).with(overrides);
  }

  /** Starts a node with the test catalogue and {@code overrides}; blocks the (test) thread until it is ready. */
  public static SwitchboardNode start(Map<String, String> overrides) {
    return Blocking.await(SwitchboardNode.start(settings(overrides)));
  }
}
