package dev.switchboard.platform.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole configuration as one flat map of dotted keys ({@code operations.payment.charge.mode}).
 * Layers are laid over each other, the later one wins: file, then environment, then command line.
 * Typed getters validate as they read and fail with a {@link ConfigException} naming key, value and
 * what is allowed.
 */
public final class Settings {

  private static final String MASK = "*****";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /** Flattens a nested JSON document (as vertx-config reads YAML or JSON) into dotted keys. */
  public static Settings fromJson(JsonObject json) {
    Map<String, String> flat = new TreeMap<>();
    flatten("", json, flat);
    return new Settings(flat);
  }

  private static void flatten(String prefix, Object node, Map<String, String> into) {
    if (node instanceof JsonObject object) {
      for (String field : object.fieldNames()) {
        flatten(prefix.isEmpty() ? field : prefix + "." + field, object.getValue(field), into);
      }
    } else if (node instanceof JsonArray array) {
      into.put(prefix, String.join(",", array.stream().map(String::valueOf).toList()));
    } else if (node != null) {
      into.put(prefix, String.valueOf(node));
    }
  }

  /** This layer with {@code overrides} laid over it: the overrides win. */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  public Settings with(String key, String value) {
    return with(Map.of(key, value));
  }

  public Settings with(Settings overrides) {
    return with(overrides.values);
  }

  public Map<String, String> asMap() {
    return values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String getString(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public int getInt(String key, int defaultValue, int min, int max) {
    return (int) getLong(key, defaultValue, min, max);
  }

  public long getLong(String key, long defaultValue, long min, long max) {
    String raw = values.get(key);
    if (raw == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw, "expected a whole number between " + min + " and " + max);
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key, raw, "expected a whole number between " + min + " and " + max);
    }
    return parsed;
  }

  public double getDouble(String key, double defaultValue, double min, double max) {
    String raw = values.get(key);
    if (raw == null) {
      return defaultValue;
    }
    try {
      double parsed = Double.parseDouble(raw.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(key, raw, "expected a number between " + min + " and " + max);
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    String raw = values.get(key);
    if (raw == null) {
      return defaultValue;
    }
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, raw, "expected true or false");
    };
  }

  /** Reads an enum whose config spelling is its lower-case name ({@code rpc}, {@code event}). */
  public <E extends Enum<E>> E getEnum(String key, Class<E> type, E defaultValue) {
    String raw = values.get(key);
    if (raw == null) {
      return defaultValue;
    }
    for (E candidate : type.getEnumConstants()) {
      if (candidate.name().equalsIgnoreCase(raw.trim())) {
        return candidate;
      }
    }
    throw new ConfigException(key, raw, "allowed values are " + spellings(type));
  }

  public static <E extends Enum<E>> String spellings(Class<E> type) {
    StringBuilder out = new StringBuilder();
    for (E candidate : type.getEnumConstants()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(candidate.name().toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  /** The keys that start with {@code prefix + "."}, with that prefix removed. */
  public Set<String> keysUnder(String prefix) {
    String dotted = prefix + ".";
    Set<String> keys = new TreeSet<>();
    for (String key : values.keySet()) {
      if (key.startsWith(dotted)) {
        keys.add(key.substring(dotted.length()));
      }
    }
    return keys;
  }

  /**
   * Fails on the first key that no part of the application reads, so that a typo in a key does
   * not silently fall back to a default.
   */
  public void requireKnownKeys(Set<String> exactKeys, Set<String> prefixes) {
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String key = entry.getKey();
      if (exactKeys.contains(key) || prefixes.stream().anyMatch(p -> key.startsWith(p + "."))) {
        continue;
      }
      throw new ConfigException(key, secret(key) ? MASK : entry.getValue(),
          "unknown key; known keys are " + new TreeSet<>(exactKeys) + " and keys under " + new TreeSet<>(prefixes));
    }
  }

  /**
   * Whether the value of {@code key} is a secret (a token, password or JAAS login): never printed, in
   * {@link #toString()} or in errors.
   */
  public static boolean secret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.endsWith("token") || lower.contains("password") || lower.contains("secret")
        || lower.contains("jaas");
  }

  /** Every key and value, secrets masked. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((key, value) -> shown.put(key, secret(key) ? MASK : value));
    return shown.toString();
  }
}
