package dev.switchboard.experiment.hypothesis;

import dev.switchboard.experiment.hypothesis.HypothesisNode.Condition;
import dev.switchboard.experiment.report.Verdict;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A claim an experiment makes about its measured values, per variant or comparing variants:
 * <pre>
 * all-event: lost == 0 and duplicated_effects == 0
 * all-event.place_p99_ms * 5 &lt; all-rpc.place_p99_ms
 * every: lost == 0
 * </pre>
 * {@code hypothesis := [scope ':'] expression}, where the scope is a variant (bare measure names are
 * read from it) or {@code every} (the hypothesis must hold for each variant of the run). A qualified
 * {@code variant.measure} is allowed anywhere. Expressions have numbers ({@code 5}, {@code 0.951},
 * {@code 1e3}), {@code + - * /}, comparisons {@code < <= > >= == !=}, {@code and}, {@code or},
 * {@code not} and parentheses; {@code not} binds tighter than {@code and}, which binds tighter than
 * {@code or}. The grammar is in {@link HypothesisParser}.
 *
 * <p>A hypothesis passes only when it is decided true from values that are all present: a missing or
 * NaN value fails it, and a comparison with a division by zero in it is not true (neither is its
 * negation).
 */
public final class Hypothesis {

  private final String text;
  private final String scope;
  private final Condition condition;
  private final List<String> variants;

  private Hypothesis(String text, String scope, Condition condition, List<String> variants) {
    this.text = text;
    this.scope = scope;
    this.condition = condition;
    this.variants = variants;
  }

  /**
   * Parses and checks against the run's variants and the known measures (usually
   * {@code Measures.SUMMARY.keySet()}).
   *
   * @throws HypothesisException naming the offending token, its position and what is allowed there
   */
  public static Hypothesis parse(String text, Collection<String> variants, Collection<String> measures) {
    Objects.requireNonNull(text, "text");
    List<String> variantList = List.copyOf(new LinkedHashSet<>(variants));
    HypothesisParser.Parsed parsed =
        HypothesisParser.parse(text, variantList, List.copyOf(new LinkedHashSet<>(measures)));
    return new Hypothesis(text, parsed.scope(), parsed.condition(), variantList);
  }

  /** The hypothesis as written. */
  public String text() {
    return text;
  }

  /**
   * Evaluates over each variant's summary (variant → measure → value). The verdict's {@code observed}
   * lists every value read ({@code all-event.lost = 0, ...}), then any division by zero and, for
   * {@code every:}, the variants it does not hold for.
   */
  public Verdict evaluate(Map<String, Map<String, Number>> summaries) {
    Objects.requireNonNull(summaries, "summaries");
    Observation observation = new Observation(summaries);
    boolean passed;
    if (HypothesisParser.EVERY.equals(scope)) {
      List<String> failing = new ArrayList<>();
      for (String variant : variants) {
        observation.variant = variant;
        if (!Boolean.TRUE.equals(condition.holds(observation))) {
          failing.add(variant);
        }
      }
      if (variants.isEmpty()) {
        observation.notes.add("the run has no variants");
      } else if (!failing.isEmpty()) {
        observation.notes.add("does not hold for " + String.join(", ", failing));
      }
      passed = !variants.isEmpty() && failing.isEmpty() && observation.complete;
    } else {
      observation.variant = scope;
      passed = Boolean.TRUE.equals(condition.holds(observation)) && observation.complete;
    }
    return new Verdict(text, passed, observation.describe());
  }

  @Override
  public String toString() {
    return text;
  }

  /** Integers without decimals; others to 3 decimals, or 3 significant digits below 1. */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal decimal = BigDecimal.valueOf(value);
    BigDecimal rounded = Math.abs(value) >= 1 ? decimal.setScale(3, RoundingMode.HALF_UP)
        : decimal.round(new MathContext(3, RoundingMode.HALF_UP));
    return rounded.stripTrailingZeros().toPlainString();
  }

  /** The values a hypothesis read, in the order it read them, and what went wrong. */
  private final class Observation implements HypothesisNode.Reading {

    private final Map<String, Map<String, Number>> summaries;
    private final Map<String, String> readings = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private String variant;
    private boolean complete = true;

    Observation(Map<String, Map<String, Number>> summaries) {
      this.summaries = summaries;
    }

    @Override
    public double read(String qualifier, String measure) {
      String from = qualifier != null ? qualifier : variant;
      String name = from + "." + measure;
      Map<String, Number> summary = summaries.get(from);
      Number number = summary == null ? null : summary.get(measure);
      if (number == null || Double.isNaN(number.doubleValue())) {
        complete = false;
        readings.put(name, name + (number != null ? " = NaN"
            : summary == null ? " missing (no summary for " + from + ")" : " missing"));
        return Double.NaN;
      }
      double value = number.doubleValue();
      readings.put(name, name + " = " + format(value));
      return value;
    }

    @Override
    public void divisionByZero(HypothesisNode division) {
      String where = "'" + text.substring(division.start(), division.end()) + "'";
      notes.add("division by zero in " + where + (HypothesisParser.EVERY.equals(scope) ? " for " + variant : ""));
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      parts.add(readings.isEmpty() ? "no measures read" : String.join(", ", readings.values()));
      parts.addAll(notes);
      return String.join("; ", parts);
    }
  }
}
