package dev.switchboard.experiment;

import dev.switchboard.experiment.ExperimentSpec.FaultSpec;
import dev.switchboard.experiment.ExperimentSpec.Quick;
import dev.switchboard.experiment.ExperimentSpec.VariantSpec;
import dev.switchboard.experiment.ExperimentSpec.WindowSpec;
import dev.switchboard.experiment.ExperimentSpec.WorkloadSpec;
import dev.switchboard.experiment.hypothesis.Hypothesis;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an experiment file (YAML) into an {@link ExperimentSpec}, refusing anything it cannot run —
 * an unknown key, operation, service or variant, a bad duration or number, a hypothesis over an
 * unknown measure — with the key, the value and what is allowed, before anything starts.
 */
final class ExperimentFile {

  static final Set<String> TOP_KEYS = ordered("name", "claim", "workload", "settings", "variants", "faults",
      "windows", "hypotheses", "quick");
  static final Set<String> WORKLOAD_KEYS = ordered("phases", "luxuryShare", "seed", "stock", "paymentLimitCents",
      "grace", "clientTimeout", "warmup");
  static final Set<String> PHASES = ordered("steady", "ramp", "burst", "pause");
  static final Set<String> VARIANT_KEYS = ordered("name", "from", "set");
  /** Operation fault knobs a schedule can set, as {@code operations.<op>.faults.<knob>} names them. */
  static final Set<String> FAULT_KNOBS = ordered("latencyMs", "errorRate", "down", "capacityPerSecond",
      "duplicateRate", "dedup");
  static final Set<String> FAULT_KEYS = union(ordered("at", "until", "operation", "service", "stopped", "mode"),
      FAULT_KNOBS);
  /** The modes a schedule entry can flip an operation to. */
  static final Set<String> MODES = ordered("rpc", "event");
  static final Set<String> WINDOW_KEYS = ordered("name", "from", "until");
  static final Set<String> QUICK_KEYS = ordered("scale", "set", "variants");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern TRAILING_NUMBER = Pattern.compile("(.*?[^0-9])([0-9]+)");
  private static final long MAX_DURATION_MS = 24L * 60 * 60 * 1000;

  private final String source;
  private final Collection<String> operations;
  private final Collection<String> services;
  private final Predicate<String> variantExists;

  /**
   * @param source        the file's name, for messages
   * @param operations    the operations a fault may name
   * @param services      the services a fault may name
   * @param variantExists whether {@code config/variants/<name>.yaml} exists
   */
  ExperimentFile(String source, Collection<String> operations, Collection<String> services,
                 Predicate<String> variantExists) {
    this.source = source;
    this.operations = operations;
    this.services = services;
    this.variantExists = variantExists;
  }

  ExperimentSpec parse(String text) {
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new ExperimentFileException(source + ": not valid YAML: " + e.getMessage());
    }
    Map<String, Object> root = map("(file)", loaded);
    known("", root, TOP_KEYS);
    String name = string("name", root.get("name"));
    if (!NAME.matcher(name).matches()) {
      throw new ExperimentFileException(source, "name", name, "lower-case letters, digits and '-'");
    }
    String claim = string("claim", root.get("claim"));
    WorkloadSpec workload = workload(map("workload", require("workload", root)));
    Map<String, String> settings = root.containsKey("settings") ? flatten("settings", root.get("settings"))
        : Map.of();
    List<VariantSpec> variants = variants(list("variants", require("variants", root)));
    List<FaultSpec> faults = root.containsKey("faults") ? faults(list("faults", root.get("faults"))) : List.of();
    List<WindowSpec> windows = root.containsKey("windows")
        ? windows(list("windows", root.get("windows")), workload, variants) : List.of();
    List<String> hypotheses = new ArrayList<>();
    List<Object> written = list("hypotheses", require("hypotheses", root));
    if (written.isEmpty()) {
      throw new ExperimentFileException(source, "hypotheses", "[]", "at least one hypothesis: an experiment decides something");
    }
    for (int i = 0; i < written.size(); i++) {
      hypotheses.add(string("hypotheses[" + i + "]", written.get(i)));
    }
    Quick quick = root.containsKey("quick") ? quick(map("quick", root.get("quick")), variants) : Quick.NONE;
    ExperimentSpec spec = new ExperimentSpec(name, claim, workload, settings, variants, faults, windows, hypotheses,
        quick);
    checkHypotheses(spec, variants.stream().map(VariantSpec::name).toList());
    return spec;
  }

  /** Parses every hypothesis against the given variants (those that will run), naming the one that is wrong. */
  void checkHypotheses(ExperimentSpec spec, List<String> variants) {
    for (int i = 0; i < spec.hypotheses().size(); i++) {
      try {
        Hypothesis.parse(spec.hypotheses().get(i), variants, spec.measureNames());
      } catch (IllegalArgumentException e) {
        throw new ExperimentFileException(source + ": hypotheses[" + i + "]: " + e.getMessage());
      }
    }
  }

  private WorkloadSpec workload(Map<String, Object> workload) {
    known("workload.", workload, WORKLOAD_KEYS);
    List<Object> written = list("workload.phases", require("workload.phases", workload));
    List<Workload.Phase> phases = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      phases.add(phase("workload.phases[" + i + "]", written.get(i)));
    }
    double luxury = number("workload.luxuryShare", workload.getOrDefault("luxuryShare",
        Workload.DEFAULT_LUXURY_SHARE), 0, 1);
    long seed = (long) number("workload.seed", workload.getOrDefault("seed", 42), 0, Long.MAX_VALUE);
    Map<String, Long> stock = new LinkedHashMap<>();
    if (workload.containsKey("stock")) {
      map("workload.stock", workload.get("stock")).forEach((sku, units) ->
          stock.put(sku, (long) number("workload.stock." + sku, units, 0, Long.MAX_VALUE)));
    }
    Long limit = workload.containsKey("paymentLimitCents")
        ? (long) number("workload.paymentLimitCents", workload.get("paymentLimitCents"), 1, Long.MAX_VALUE) : null;
    long grace = duration("workload.grace", workload.getOrDefault("grace", "60s"));
    if (grace < 1_000) {
      throw new ExperimentFileException(source, "workload.grace", workload.get("grace"),
          "at least 1s: the run waits that long after the last order for the ones still going");
    }
    long clientTimeout = duration("workload.clientTimeout", workload.getOrDefault("clientTimeout", "0s"));
    int warmup = (int) number("workload.warmup", workload.getOrDefault("warmup", 200), 0, 1_000_000);
    WorkloadSpec spec = new WorkloadSpec(List.copyOf(phases), new Workload.Mix(luxury, seed), stock, limit, grace,
        clientTimeout, warmup);
    checkOrders(source, spec, "workload.phases");
    return spec;
  }

  /** At most this many orders in a run (they are generated up front). */
  static final long MAX_ORDERS = 1_000_000;

  /** Refuses a workload that places no order, or more than {@link #MAX_ORDERS}. */
  static void checkOrders(String source, WorkloadSpec spec, String key) {
    long orders = spec.phases().stream().mapToLong(phase -> phase.arrivals().length).sum();
    if (orders == 0 || orders > MAX_ORDERS) {
      throw new ExperimentFileException(source, key, orders + " orders", "a workload places 1 to " + MAX_ORDERS
          + " orders (rate × duration of its phases, and its bursts)");
    }
  }

  private Workload.Phase phase(String key, Object written) {
    Map<String, Object> phase = map(key, written);
    if (phase.size() != 1) {
      throw new ExperimentFileException(source, key, phase.keySet(), "one of " + PHASES + " per phase");
    }
    String kind = phase.keySet().iterator().next();
    String at = key + "." + kind;
    Object body = phase.get(kind);
    switch (kind) {
      case "pause" -> {
        return new Workload.Steady(0, duration(at, body));
      }
      case "steady" -> {
        Map<String, Object> steady = map(at, body);
        known(at + ".", steady, ordered("rate", "for"));
        return new Workload.Steady(number(at + ".rate", require(at + ".rate", steady), 0.001, 1_000_000),
            positive(at + ".for", duration(at + ".for", require(at + ".for", steady))));
      }
      case "ramp" -> {
        Map<String, Object> ramp = map(at, body);
        known(at + ".", ramp, ordered("from", "to", "for"));
        double from = number(at + ".from", require(at + ".from", ramp), 0.001, 1_000_000);
        double to = number(at + ".to", require(at + ".to", ramp), 0.001, 1_000_000);
        return new Workload.Ramp(from, to, positive(at + ".for", duration(at + ".for", require(at + ".for", ramp))));
      }
      case "burst" -> {
        Map<String, Object> burst = map(at, body);
        known(at + ".", burst, ordered("orders", "within"));
        return new Workload.Burst((int) number(at + ".orders", require(at + ".orders", burst), 1, MAX_ORDERS),
            duration(at + ".within", burst.getOrDefault("within", "0s")));
      }
      default -> throw new ExperimentFileException(source, key, kind, "phases are " + PHASES);
    }
  }

  private List<VariantSpec> variants(List<Object> written) {
    if (written.isEmpty()) {
      throw new ExperimentFileException(source, "variants", "[]", "at least one variant");
    }
    List<VariantSpec> variants = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < written.size(); i++) {
      String key = "variants[" + i + "]";
      Object entry = written.get(i);
      VariantSpec variant;
      if (entry instanceof String named) {
        requireVariantFile(key, named);
        variant = new VariantSpec(named, named, Map.of());
      } else {
        Map<String, Object> inline = map(key, entry);
        known(key + ".", inline, VARIANT_KEYS);
        String name = string(key + ".name", require(key + ".name", inline));
        String from = inline.containsKey("from") ? string(key + ".from", inline.get("from")) : null;
        if (from != null) {
          requireVariantFile(key + ".from", from);
        }
        variant = new VariantSpec(name, from, inline.containsKey("set") ? flatten(key + ".set", inline.get("set"))
            : Map.of());
      }
      if (!NAME.matcher(variant.name()).matches()) {
        throw new ExperimentFileException(source, key + ".name", variant.name(), "lower-case letters, digits and '-'");
      }
      if (!names.add(variant.name())) {
        throw new ExperimentFileException(source, key + ".name", variant.name(), "each variant's name must be unique");
      }
      variants.add(variant);
    }
    return List.copyOf(variants);
  }

  private void requireVariantFile(String key, String name) {
    if (!variantExists.test(name)) {
      throw new ExperimentFileException(source, key, name, "no config/variants/" + name
          + ".yaml; name a variant file, or write the variant inline as {name: ..., from: ..., set: {...}}");
    }
  }

  private List<FaultSpec> faults(List<Object> written) {
    List<FaultSpec> faults = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      String key = "faults[" + i + "]";
      Map<String, Object> fault = map(key, written.get(i));
      known(key + ".", fault, FAULT_KEYS);
      long at = duration(key + ".at", fault.getOrDefault("at", "0s"));
      long until = fault.containsKey("until") ? duration(key + ".until", fault.get("until")) : -1;
      if (until >= 0 && until <= at) {
        throw new ExperimentFileException(source, key + ".until", fault.get("until"), "must come after at ("
            + fault.getOrDefault("at", "0s") + ")");
      }
      boolean onService = fault.containsKey("service");
      if (onService == fault.containsKey("operation")) {
        throw new ExperimentFileException(source, key, fault.keySet(), "name exactly one of operation or service");
      }
      String target = string(key + (onService ? ".service" : ".operation"), fault.get(onService ? "service" : "operation"));
      Collection<String> allowed = onService ? services : operations;
      if (!allowed.contains(target)) {
        throw new ExperimentFileException(source, key + (onService ? ".service" : ".operation"), target,
            (onService ? "services are " : "operations are ") + briefly(allowed));
      }
      boolean stopped = fault.containsKey("stopped") && bool(key + ".stopped", fault.get("stopped"));
      if (fault.containsKey("stopped") && !onService) {
        throw new ExperimentFileException(source, key + ".stopped", fault.get("stopped"),
            "only a service can be stopped: name it with service");
      }
      String mode = fault.containsKey("mode") ? mode(key + ".mode", fault.get("mode"), onService) : null;
      Map<String, String> knobs = new LinkedHashMap<>();
      for (String knob : FAULT_KNOBS) {
        if (fault.containsKey(knob)) {
          knobs.put(knob, knob(key + "." + knob, knob, fault.get(knob)));
        }
      }
      if (mode != null && (stopped || !knobs.isEmpty())) {
        throw new ExperimentFileException(source, key, fault.keySet(),
            "a mode flip takes no fault: write the fault as an entry of its own");
      }
      if (mode == null && stopped == !knobs.isEmpty()) {
        throw new ExperimentFileException(source, key, fault.keySet(), stopped
            ? "a stopped service takes no other fault" : "say what happens: stopped: true, mode: rpc or event, or one or more of "
            + FAULT_KNOBS);
      }
      FaultSpec spec = new FaultSpec(at, until, target, onService, Map.copyOf(knobs), stopped, mode);
      for (FaultSpec earlier : faults) {
        if (stopped && earlier.stopped() && earlier.target().equals(target) && overlap(earlier, spec)) {
          throw new ExperimentFileException(source, key, target + " stopped from " + fault.getOrDefault("at", "0s"),
              "a service is stopped in one window at a time: this one overlaps an earlier stop of " + target);
        }
        if (spec.flips() && earlier.flips() && earlier.target().equals(target) && overlap(earlier, spec)) {
          throw new ExperimentFileException(source, key, target + " mode " + mode + " from "
              + fault.getOrDefault("at", "0s"), "an operation is flipped in one window at a time: this one overlaps an"
              + " earlier flip of " + target + " (give that one an until)");
        }
      }
      faults.add(spec);
    }
    return List.copyOf(faults);
  }

  /** A mode an operation is flipped to; a service cannot be flipped as a whole. */
  private String mode(String key, Object value, boolean onService) {
    if (onService) {
      throw new ExperimentFileException(source, key, value, "only an operation's mode can be flipped: name it with operation");
    }
    String mode = string(key, value);
    if (!MODES.contains(mode)) {
      throw new ExperimentFileException(source, key, value, "one of " + MODES);
    }
    return mode;
  }

  /**
   * Named windows of the timeline, each within the workload and named apart from the variants (a
   * hypothesis writes {@code <window>.<measure>} as it writes {@code <variant>.<measure>}).
   */
  private List<WindowSpec> windows(List<Object> written, WorkloadSpec workload, List<VariantSpec> variants) {
    long lengthMs = workload.phases().stream().mapToLong(Workload.Phase::lengthNanos).sum() / 1_000_000;
    List<WindowSpec> windows = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < written.size(); i++) {
      String key = "windows[" + i + "]";
      Map<String, Object> window = map(key, written.get(i));
      known(key + ".", window, WINDOW_KEYS);
      String name = string(key + ".name", require(key + ".name", window));
      if (!NAME.matcher(name).matches()) {
        throw new ExperimentFileException(source, key + ".name", name, "lower-case letters, digits and '-'");
      }
      if (!names.add(name)) {
        throw new ExperimentFileException(source, key + ".name", name, "each window's name must be unique");
      }
      if (name.equals("every") || variants.stream().anyMatch(variant -> variant.name().equals(name))) {
        throw new ExperimentFileException(source, key + ".name", name,
            "a name no variant has, and not 'every': hypotheses write <window>.<measure> as they write <variant>.<measure>");
      }
      long from = duration(key + ".from", require(key + ".from", window));
      long until = duration(key + ".until", require(key + ".until", window));
      if (until <= from) {
        throw new ExperimentFileException(source, key + ".until", window.get("until"), "must come after from ("
            + window.get("from") + ")");
      }
      if (until > lengthMs) {
        throw new ExperimentFileException(source, key + ".until", window.get("until"), "within the workload, which lasts "
            + lengthMs / 1000.0 + "s: a window measures the orders due within it");
      }
      windows.add(new WindowSpec(name, from, until));
    }
    return List.copyOf(windows);
  }

  private static boolean overlap(FaultSpec first, FaultSpec second) {
    long firstEnd = first.untilMs() < 0 ? Long.MAX_VALUE : first.untilMs();
    long secondEnd = second.untilMs() < 0 ? Long.MAX_VALUE : second.untilMs();
    return first.atMs() < secondEnd && second.atMs() < firstEnd;
  }

  private String knob(String key, String knob, Object value) {
    return switch (knob) {
      case "latencyMs", "capacityPerSecond" -> Long.toString((long) number(key, value, 0, 600_000));
      case "errorRate", "duplicateRate" -> Double.toString(number(key, value, 0, 1));
      default -> Boolean.toString(bool(key, value));
    };
  }

  private Quick quick(Map<String, Object> quick, List<VariantSpec> variants) {
    known("quick.", quick, QUICK_KEYS);
    double scale = number("quick.scale", quick.getOrDefault("scale", 1.0), 0.001, 1);
    Map<String, String> set = quick.containsKey("set") ? flatten("quick.set", quick.get("set")) : Map.of();
    List<String> names = new ArrayList<>();
    if (quick.containsKey("variants")) {
      List<String> declared = variants.stream().map(VariantSpec::name).toList();
      List<Object> written = list("quick.variants", quick.get("variants"));
      for (int i = 0; i < written.size(); i++) {
        String name = string("quick.variants[" + i + "]", written.get(i));
        if (!declared.contains(name)) {
          throw new ExperimentFileException(source, "quick.variants[" + i + "]", name, "variants are " + declared);
        }
        names.add(name);
      }
    }
    return new Quick(scale, set, List.copyOf(names));
  }

  // ---------------------------------------------------------------- values

  private Object require(String key, Map<String, Object> map) {
    String last = key.substring(key.lastIndexOf('.') + 1);
    if (!map.containsKey(last) || map.get(last) == null) {
      throw new ExperimentFileException(source + ": " + key + " is missing");
    }
    return map.get(last);
  }

  private void known(String prefix, Map<String, Object> map, Set<String> allowed) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        throw new ExperimentFileException(source, prefix + key, map.get(key), "unknown key; allowed are " + allowed);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(String key, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new ExperimentFileException(source, key, value, "expected a mapping of keys to values");
    }
    Map<String, Object> keyed = new LinkedHashMap<>();
    map.forEach((k, v) -> keyed.put(String.valueOf(k), v));
    return keyed;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(String key, Object value) {
    if (!(value instanceof List<?> list)) {
      throw new ExperimentFileException(source, key, value, "expected a list");
    }
    return (List<Object>) list;
  }

  private String string(String key, Object value) {
    if (value == null || value instanceof Map || value instanceof List || value.toString().isBlank()) {
      throw new ExperimentFileException(source, key, value, "expected a non-empty text");
    }
    return value.toString().trim();
  }

  private double number(String key, Object value, double min, double max) {
    double parsed;
    try {
      parsed = value instanceof Number number ? number.doubleValue() : Double.parseDouble(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      throw new ExperimentFileException(source, key, value, "expected a number from " + plain(min) + " to " + plain(max));
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new ExperimentFileException(source, key, value, "expected a number from " + plain(min) + " to " + plain(max));
    }
    return parsed;
  }

  private boolean bool(String key, Object value) {
    if (value instanceof Boolean flag) {
      return flag;
    }
    String text = String.valueOf(value).trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ExperimentFileException(source, key, value, "expected true or false");
  }

  /** A duration such as {@code 500ms}, {@code 15s} or {@code 2m}, in milliseconds. */
  private long duration(String key, Object value) {
    Matcher matcher = DURATION.matcher(String.valueOf(value).trim());
    if (!matcher.matches()) {
      throw new ExperimentFileException(source, key, value, "expected a duration such as 500ms, 15s or 2m");
    }
    double amount = Double.parseDouble(matcher.group(1));
    long millis = Math.round(amount * switch (matcher.group(2)) {
      case "ms" -> 1;
      case "s" -> 1_000;
      default -> 60_000;
    });
    if (millis > MAX_DURATION_MS) {
      throw new ExperimentFileException(source, key, value, "at most 24 hours (1440m)");
    }
    return millis;
  }

  private long positive(String key, long millis) {
    if (millis <= 0) {
      throw new ExperimentFileException(source, key, millis + "ms", "expected a duration above zero");
    }
    return millis;
  }

  /** Nested mappings as dotted keys ({@code operations: {payment.charge: {mode: event}}} → {@code operations.payment.charge.mode}). */
  private Map<String, String> flatten(String key, Object value) {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten(key, "", map(key, value), flat);
    return flat;
  }

  private void flatten(String key, String prefix, Map<String, Object> map, Map<String, String> into) {
    map.forEach((k, v) -> {
      if (v instanceof Map<?, ?>) {
        flatten(key, prefix + k + ".", map(key + "." + prefix + k, v), into);
      } else if (v == null || v instanceof List) {
        throw new ExperimentFileException(source, key + "." + prefix + k, v, "expected a single value");
      } else {
        into.put(prefix + k, String.valueOf(v));
      }
    });
  }

  private static String plain(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }

  private static Set<String> ordered(String... names) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
  }

  private static Set<String> union(Set<String> first, Set<String> second) {
    Set<String> both = new LinkedHashSet<>(first);
    both.addAll(second);
    return java.util.Collections.unmodifiableSet(both);
  }

  /** Names with a numbered run shortened: {@code views.orderEvents1, …, views.orderEvents32} → {@code views.orderEvents1..32}. */
  static String briefly(Collection<String> names) {
    Map<String, List<Integer>> numbered = new LinkedHashMap<>();
    List<String> listed = new ArrayList<>();
    for (String name : names) {
      Matcher number = TRAILING_NUMBER.matcher(name);
      if (number.matches()) {
        if (!numbered.containsKey(number.group(1))) {
          listed.add(number.group(1) + "#");
        }
        numbered.computeIfAbsent(number.group(1), prefix -> new ArrayList<>()).add(Integer.parseInt(number.group(2)));
      } else {
        listed.add(name);
      }
    }
    return listed.stream().map(name -> {
      if (!name.endsWith("#")) {
        return name;
      }
      String prefix = name.substring(0, name.length() - 1);
      List<Integer> numbers = numbered.get(prefix);
      return numbers.size() == 1 ? prefix + numbers.get(0)
          : prefix + numbers.stream().min(Integer::compare).orElseThrow() + ".."
          + numbers.stream().max(Integer::compare).orElseThrow();
    }).toList().toString();
  }
}
