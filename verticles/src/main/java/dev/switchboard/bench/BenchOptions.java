package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A suite's own options from the command line ({@code --variants all-rpc,all-event}), read and
 * checked: a bad value fails with one line naming the option, the value and what is allowed.
 */
final class BenchOptions {

  private final Map<String, String> options;

  BenchOptions(Map<String, String> options) {
    this.options = Map.copyOf(options);
  }

  /** A comma-separated list, each item accepted by {@code known}; {@code defaults} when not given. */
  List<String> list(String name, List<String> defaults, Predicate<String> known, String allowed) {
    String raw = options.get(name);
    if (raw == null) {
      return defaults;
    }
    List<String> items = new ArrayList<>();
    for (String item : raw.split(",", -1)) {
      String trimmed = item.trim();
      if (trimmed.isEmpty() || !known.test(trimmed)) {
        throw new IllegalArgumentException("--" + name + " = '" + raw + "': " + (trimmed.isEmpty() ? "an empty item"
            : "'" + trimmed + "' is unknown") + "; expected a comma-separated list of " + allowed);
      }
      if (!items.contains(trimmed)) {
        items.add(trimmed);
      }
    }
    return List.copyOf(items);
  }

  /** One name accepted by {@code known}; {@code defaultValue} when not given. */
  String one(String name, String defaultValue, Predicate<String> known, String allowed) {
    String raw = options.get(name);
    if (raw == null) {
      return defaultValue;
    }
    if (!known.test(raw.trim())) {
      throw new IllegalArgumentException("--" + name + " = '" + raw + "': expected one of " + allowed);
    }
    return raw.trim();
  }

  /** A whole number from {@code min} to {@code max}; 0 when not given. */
  int whole(String name, int min, int max) {
    String raw = options.get(name);
    if (raw == null) {
      return 0;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " = '" + raw + "': expected a whole number from " + min + " to "
        + max);
  }

  /** A number above 0 and at most {@code max}; {@code defaultValue} when not given. */
  double positive(String name, double defaultValue, double max) {
    String raw = options.get(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (value > 0 && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + name + " = '" + raw + "': expected a number above 0 and at most "
        + String.format(Locale.ROOT, "%.0f", max));
  }

  /** The items as {@code a, b, c}, for messages. */
  static String either(List<String> items) {
    return String.join(", ", items);
  }

  static List<String> split(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
  }
}
