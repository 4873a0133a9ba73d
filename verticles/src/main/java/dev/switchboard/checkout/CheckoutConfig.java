package dev.switchboard.checkout;

import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.Settings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The business configuration of the checkout: initial stock per SKU and the payment limit.
 *
 * @param initialStock   {@code inventory.stock.<sku>}: units available at start-up
 * @param maxChargeCents {@code payment.maxChargeCents}: charges above it are declined
 * @param views          {@code views.count}: read models of the orders, each a subscriber of the order events
 */
public record CheckoutConfig(Map<String, Long> initialStock, long maxChargeCents, int views) {

  public static final String STOCK_PREFIX = "inventory.stock";
  public static final String MAX_CHARGE = "payment.maxChargeCents";
  public static final String VIEWS = "views.count";
  public static final Set<String> KEYS = Set.of(MAX_CHARGE, VIEWS);
  public static final Set<String> PREFIXES = Set.of(STOCK_PREFIX);

  public static CheckoutConfig from(Settings settings) {
    Map<String, Long> stock = new LinkedHashMap<>();
    for (String sku : settings.keysUnder(STOCK_PREFIX)) {
      String key = STOCK_PREFIX + "." + sku;
      if (!OrderLimits.SKU.accepts(sku)) {
        throw new ConfigException(key, settings.getString(key, ""), "a SKU is 1 to " + OrderLimits.SKU.maxLength()
            + " characters of " + OrderLimits.SKU.characters() + " (what an order may name)");
      }
      stock.put(sku, settings.getLong(key, 0, 0, Long.MAX_VALUE / 4));
    }
    return new CheckoutConfig(Map.copyOf(stock), settings.getLong(MAX_CHARGE, 100_000, 0, Long.MAX_VALUE),
        settings.getInt(VIEWS, 0, 0, CheckoutOperations.MAX_VIEWS));
  }
}
