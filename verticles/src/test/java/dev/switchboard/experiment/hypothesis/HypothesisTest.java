package dev.switchboard.experiment.hypothesis;

import dev.switchboard.experiment.report.Measures;
import dev.switchboard.experiment.report.Verdict;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("Hypotheses over an experiment's measures")
class HypothesisTest {

  private static final List<String> VARIANTS = List.of("all-rpc", "all-event");
  private static final String MEASURES = "measures are: " + String.join(", ", Measures.SUMMARY.keySet());

  private static Hypothesis parse(String text) {
    return Hypothesis.parse(text, VARIANTS, Measures.SUMMARY.keySet());
  }

  private static Verdict evaluate(String text, Map<String, Map<String, Number>> summaries) {
    return parse(text).evaluate(summaries);
  }

  /** Summaries from pairs: variant, measure, value, variant, measure, value, ... */
  private static Map<String, Map<String, Number>> summaries(Object... triples) {
    Map<String, Map<String, Number>> summaries = new LinkedHashMap<>();
    for (int i = 0; i < triples.length; i += 3) {
      summaries.computeIfAbsent((String) triples[i], variant -> new HashMap<>())
          .put((String) triples[i + 1], (Number) triples[i + 2]);
    }
    return summaries;
  }

  @Nested
  @DisplayName("Measures over a named window of the run, written <window>.<measure>")
  class Windows {

    private final List<String> measures = java.util.stream.Stream.concat(Measures.SUMMARY.keySet().stream(),
        Stream.of("event.place_p90_ms", "slow.place_p50_ms")).toList();

    private Verdict windowed(String text, Map<String, Map<String, Number>> summaries) {
      return Hypothesis.parse(text, VARIANTS, measures).evaluate(summaries);
    }

    @Test
    @DisplayName("in a scope and qualified by a variant, beside a measure over the whole run")
    void scopedAndQualified() {
      Map<String, Map<String, Number>> values = summaries("all-rpc", "event.place_p90_ms", 12.5,
          "all-rpc", "slow.place_p50_ms", 540, "all-rpc", "lost", 0, "all-event", "event.place_p90_ms", 9);

      assertThat(windowed("all-rpc: event.place_p90_ms * 3 < slow.place_p50_ms and lost == 0", values))
          .isEqualTo(new Verdict("all-rpc: event.place_p90_ms * 3 < slow.place_p50_ms and lost == 0", true,
              "all-rpc.event.place_p90_ms = 12.5, all-rpc.slow.place_p50_ms = 540, all-rpc.lost = 0"));
      assertThat(windowed("all-event.event.place_p90_ms < all-rpc.event.place_p90_ms", values).passed()).isTrue();
    }

    @Test
    @DisplayName("an unknown window measure is refused; a window measure without a variant too")
    void refused() {
      assertThatThrownBy(() -> Hypothesis.parse("all-rpc: event.place_p99_ms < 5", VARIANTS, measures))
          .hasMessageStartingWith("unknown measure 'event.place_p99_ms' at position 9");
      assertThatThrownBy(() -> Hypothesis.parse("event.place_p90_ms < 5", VARIANTS, measures))
          .hasMessageStartingWith("measure 'event.place_p90_ms' without a variant at position 0");
    }
  }

  @Nested
  @DisplayName("The examples experiments write")
  class Examples {

    @Test
    @DisplayName("'all-event:' scopes bare names to all-event; observed lists each value read, qualified")
    void scopedConjunction() {
      String text = "all-event: lost == 0 and duplicated_effects == 0";

      Verdict held = evaluate(text, summaries("all-event", "lost", 0, "all-event", "duplicated_effects", 0L,
          "all-rpc", "lost", 7));
      Verdict broken = evaluate(text, summaries("all-event", "lost", 0, "all-event", "duplicated_effects", 2));

      assertThat(held).isEqualTo(new Verdict(text, true, "all-event.lost = 0, all-event.duplicated_effects = 0"));
      assertThat(broken).isEqualTo(new Verdict(text, false, "all-event.lost = 0, all-event.duplicated_effects = 2"));
    }

    @Test
    @DisplayName("'or' holds when either side does")
    void scopedDisjunction() {
      String text = "all-rpc: errors > 0 or rejected_other > 0";

      assertThat(evaluate(text, summaries("all-rpc", "errors", 3, "all-rpc", "rejected_other", 0)).passed()).isTrue();
      assertThat(evaluate(text, summaries("all-rpc", "errors", 0, "all-rpc", "rejected_other", 5)).passed()).isTrue();
      assertThat(evaluate(text, summaries("all-rpc", "errors", 0, "all-rpc", "rejected_other", 0)))
          .isEqualTo(new Verdict(text, false, "all-rpc.errors = 0, all-rpc.rejected_other = 0"));
    }

    @Test
    @DisplayName("qualified variant.measure compares two variants, with no scope")
    void comparingVariants() {
      String text = "all-event.place_p99_ms < all-rpc.place_p99_ms";

      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", 12.5, "all-rpc", "place_p99_ms", 80.0)))
          .isEqualTo(new Verdict(text, true, "all-event.place_p99_ms = 12.5, all-rpc.place_p99_ms = 80"));
      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", 80, "all-rpc", "place_p99_ms", 80)).passed())
          .isFalse();
    }

    @Test
    @DisplayName("arithmetic on a measure: five times all-event's p99 is still below all-rpc's")
    void scaledComparison() {
      String text = "all-event.place_p99_ms * 5 < all-rpc.place_p99_ms";

      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", 12.5, "all-rpc", "place_p99_ms", 80)).passed())
          .isTrue();
      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", 16, "all-rpc", "place_p99_ms", 80)).passed())
          .isFalse();
    }

    @Test
    @DisplayName("a decimal inside a confidence interval; decimals are shown to 3 places")
    void confidenceInterval() {
      String text = "all-rpc: success_ci_low <= 0.951 and 0.951 <= success_ci_high";

      assertThat(evaluate(text, summaries("all-rpc", "success_ci_low", 0.94213, "all-rpc", "success_ci_high", 0.96)))
          .isEqualTo(new Verdict(text, true, "all-rpc.success_ci_low = 0.942, all-rpc.success_ci_high = 0.96"));
      assertThat(evaluate(text, summaries("all-rpc", "success_ci_low", 0.955, "all-rpc", "success_ci_high", 0.99))
          .passed()).isFalse();
    }

    @Test
    @DisplayName("numbers may be integers, decimals or have an exponent; '-' negates")
    void numbers() {
      Map<String, Map<String, Number>> run = summaries("all-rpc", "offered", 1000, "all-rpc", "errors", 2);

      assertThat(evaluate("all-rpc: offered == 1e3 and offered == 1000.0 and offered < 1.5E+3", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: -errors == -2 and -(offered - 999) < 0 and 3 - -errors == 5", run).passed()).isTrue();
    }

    @Test
    @DisplayName("'not' and parentheses around conditions")
    void notAndParentheses() {
      Map<String, Map<String, Number>> run = summaries("all-rpc", "lost", 0, "all-rpc", "errors", 4);

      assertThat(evaluate("all-rpc: not lost > 0 and not (errors == 0 or lost == 1)", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: not (lost == 0)", run).passed()).isFalse();
      assertThat(evaluate("all-rpc: not not lost == 0", run).passed()).isTrue();
    }
  }

  @Nested
  @DisplayName("Precedence")
  class Precedence {

    private final Map<String, Map<String, Number>> run =
        summaries("all-rpc", "errors", 1, "all-rpc", "lost", 3, "all-rpc", "sent", 12);

    @Test
    @DisplayName("'and' binds tighter than 'or'")
    void andBeforeOr() {
      assertThat(evaluate("all-rpc: errors == 1 or lost == 1 and sent == 1", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: (errors == 1 or lost == 1) and sent == 1", run).passed()).isFalse();
      assertThat(evaluate("all-rpc: sent == 1 and lost == 1 or errors == 1", run).passed()).isTrue();
    }

    @Test
    @DisplayName("'*' and '/' bind tighter than '+' and '-'; each associates to the left")
    void productsBeforeSums() {
      assertThat(evaluate("all-rpc: errors + lost * 2 == 7", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: (errors + lost) * 2 == 8", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: sent - lost - errors == 8", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: sent / lost / 2 == 2", run).passed()).isTrue();
      assertThat(evaluate("all-rpc: sent - lost * 2 / 3 + errors == 11", run).passed()).isTrue();
    }

    @Test
    @DisplayName("'not' applies to the comparison after it, not to the 'and'")
    void notBeforeAnd() {
      assertThat(evaluate("all-rpc: not lost == 0 and errors == 0", run).passed()).isFalse();
      assertThat(evaluate("all-rpc: not (lost == 0 and errors == 0)", run).passed()).isTrue();
    }
  }

  @Nested
  @DisplayName("every:")
  class Every {

    @Test
    @DisplayName("holds only when it holds for each variant; observed lists each and names those it fails for")
    void eachVariant() {
      String text = "every: lost == 0";

      assertThat(evaluate(text, summaries("all-rpc", "lost", 0, "all-event", "lost", 0)))
          .isEqualTo(new Verdict(text, true, "all-rpc.lost = 0, all-event.lost = 0"));
      assertThat(evaluate(text, summaries("all-rpc", "lost", 4, "all-event", "lost", 0)))
          .isEqualTo(new Verdict(text, false, "all-rpc.lost = 4, all-event.lost = 0; does not hold for all-rpc"));
    }

    @Test
    @DisplayName("may compare each variant with a named one; a value read twice is listed once")
    void againstOneVariant() {
      String text = "every: place_p99_ms <= all-rpc.place_p99_ms";

      assertThat(evaluate(text, summaries("all-rpc", "place_p99_ms", 80, "all-event", "place_p99_ms", 12.25)))
          .isEqualTo(new Verdict(text, true, "all-rpc.place_p99_ms = 80, all-event.place_p99_ms = 12.25"));
    }

    @Test
    @DisplayName("a variant without a summary fails it")
    void variantWithoutSummary() {
      assertThat(evaluate("every: lost == 0", summaries("all-rpc", "lost", 0))).isEqualTo(new Verdict(
          "every: lost == 0", false,
          "all-rpc.lost = 0, all-event.lost missing (no summary for all-event); does not hold for all-event"));
    }
  }

  @Nested
  @DisplayName("Values that cannot be read or computed")
  class Undefined {

    @Test
    @DisplayName("a missing value fails the hypothesis, and observed says which")
    void missingValue() {
      String text = "all-event: lost == 0 and duplicated_effects == 0";

      assertThat(evaluate(text, summaries("all-event", "lost", 0))).isEqualTo(
          new Verdict(text, false, "all-event.lost = 0, all-event.duplicated_effects missing"));
    }

    @Test
    @DisplayName("a missing value fails it even where the other side of an 'or' holds")
    void missingUnderOr() {
      String text = "all-rpc: errors > 0 or rejected_other > 0";

      assertThat(evaluate(text, summaries("all-rpc", "errors", 3))).isEqualTo(
          new Verdict(text, false, "all-rpc.errors = 3, all-rpc.rejected_other missing"));
    }

    @Test
    @DisplayName("a NaN value fails it; so does a variant that has no summary")
    void notANumber() {
      String text = "all-event.place_p99_ms < all-rpc.place_p99_ms";

      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", Double.NaN, "all-rpc", "place_p99_ms", 80)))
          .isEqualTo(new Verdict(text, false, "all-event.place_p99_ms = NaN, all-rpc.place_p99_ms = 80"));
      assertThat(evaluate(text, summaries("all-event", "place_p99_ms", 3))).isEqualTo(new Verdict(text, false,
          "all-event.place_p99_ms = 3, all-rpc.place_p99_ms missing (no summary for all-rpc)"));
    }

    @Test
    @DisplayName("a division by zero makes its comparison false, and its negation too; observed says where")
    void divisionByZero() {
      Map<String, Map<String, Number>> run = summaries("all-rpc", "errors", 0, "all-rpc", "sent", 0, "all-rpc", "lost", 0);

      assertThat(evaluate("all-rpc: errors / sent < 0.1", run)).isEqualTo(new Verdict("all-rpc: errors / sent < 0.1",
          false, "all-rpc.errors = 0, all-rpc.sent = 0; division by zero in 'errors / sent'"));
      assertThat(evaluate("all-rpc: not (errors / sent >= 0.1)", run).passed()).isFalse();
      assertThat(evaluate("all-rpc: errors / sent < 0.1 or lost == 0", run).passed()).isTrue();
      assertThat(evaluate("every: errors / (sent - lost) < 0.1", summaries("all-rpc", "errors", 0, "all-rpc", "sent", 0,
          "all-rpc", "lost", 0, "all-event", "errors", 1, "all-event", "sent", 2, "all-event", "lost", 2)).observed())
          .endsWith("; division by zero in 'errors / (sent - lost)' for all-rpc; "
              + "division by zero in 'errors / (sent - lost)' for all-event; does not hold for all-rpc, all-event");
    }

    @Test
    @DisplayName("integers are printed without decimals; others to 3 decimals, or 3 significant digits below 1")
    void formatting() {
      assertThat(Hypothesis.format(80.0)).isEqualTo("80");
      assertThat(Hypothesis.format(-3)).isEqualTo("-3");
      assertThat(Hypothesis.format(0.951)).isEqualTo("0.951");
      assertThat(Hypothesis.format(12.34567)).isEqualTo("12.346");
      assertThat(Hypothesis.format(0.000123456)).isEqualTo("0.000123");
      assertThat(Hypothesis.format(2.5)).isEqualTo("2.5");
    }
  }

  @Nested
  @DisplayName("Hypotheses that cannot be read")
  class ParseErrors {

    static Stream<Arguments> mistakes() {
      return Stream.of(
          arguments("all-rpc: place_p98_ms < 5", "place_p98_ms", 9,
              "unknown measure 'place_p98_ms' at position 9 in 'all-rpc: place_p98_ms < 5'; " + MEASURES),
          arguments("all-rpc.place_p98_ms < 5", "place_p98_ms", 8,
              "unknown measure 'place_p98_ms' at position 8 in 'all-rpc.place_p98_ms < 5'; " + MEASURES),
          arguments("all-rpc: sent-errors > 0", "sent-errors", 9,
              "unknown measure 'sent-errors' at position 9 in 'all-rpc: sent-errors > 0'; " + MEASURES
                  + "; to subtract, put spaces around '-'"),
          arguments("all-kafak: lost == 0", "all-kafak", 0,
              "unknown variant 'all-kafak' at position 0 in 'all-kafak: lost == 0'; "
                  + "variants are: all-rpc, all-event (or 'every:' for each of them)"),
          arguments("all-kafak.lost == all-rpc.lost", "all-kafak", 0,
              "unknown variant 'all-kafak' at position 0 in 'all-kafak.lost == all-rpc.lost'; "
                  + "variants are: all-rpc, all-event"),
          arguments("lost == 0", "lost", 0,
              "measure 'lost' without a variant at position 0 in 'lost == 0'; without a scope, write variant.measure "
                  + "(e.g. all-rpc.lost), or begin with 'all-rpc:' or 'every:'; variants are: all-rpc, all-event"),
          arguments("all-rpc.lost == lsot", "lsot", 16,
              "unknown name 'lsot' at position 16 in 'all-rpc.lost == lsot'; without a scope, a measure is written "
                  + "variant.measure; variants are: all-rpc, all-event; " + MEASURES),
          arguments("all-rpc: lost ==", "end of text", 16,
              "expected a value after '==', found end of text at position 16 in 'all-rpc: lost =='; "
                  + "a value is a number, a measure, '-' or '('"),
          arguments("all-rpc: lost == 0 and", "end of text", 22,
              "expected a value after 'and', found end of text at position 22 in 'all-rpc: lost == 0 and'; "
                  + "a value is a number, a measure, '-' or '('"),
          arguments("all-rpc: sent * < 3", "<", 16,
              "expected a value after '*', found '<' at position 16 in 'all-rpc: sent * < 3'; "
                  + "a value is a number, a measure, '-' or '('"),
          arguments("all-rpc:", "end of text", 8,
              "expected a value after 'all-rpc:', found end of text at position 8 in 'all-rpc:'; "
                  + "a value is a number, a measure, '-' or '('"),
          arguments("all-rpc: (lost == 0 or errors == 0", "end of text", 34,
              "'(' at position 9 is not closed: found end of text at position 34 in "
                  + "'all-rpc: (lost == 0 or errors == 0'; expected 'and', 'or' or ')'"),
          arguments("all-rpc: (sent - lost > 0", "end of text", 25,
              "'(' at position 9 is not closed: found end of text at position 25 in 'all-rpc: (sent - lost > 0'; "
                  + "expected 'and', 'or' or ')'"),
          arguments("all-rpc: (sent - lost lost) > 0", "lost", 22,
              "unexpected 'lost' after 'sent - lost' at position 22 in 'all-rpc: (sent - lost lost) > 0'; "
                  + "expected an operator (+ - * /) or a comparison (< <= > >= == !=) or ')'"),
          arguments("all-rpc: lost == 0)", ")", 18,
              "unmatched ')' at position 18 in 'all-rpc: lost == 0)'; there is no '(' to close"),
          arguments("all-rpc: lost == 0 errors", "errors", 19,
              "unexpected 'errors' after 'lost == 0' at position 19 in 'all-rpc: lost == 0 errors'; "
                  + "expected 'and', 'or' or the end"),
          arguments("all-rpc: lost 0", "0", 14,
              "unexpected '0' after 'lost' at position 14 in 'all-rpc: lost 0'; "
                  + "expected an operator (+ - * /) or a comparison (< <= > >= == !=)"),
          arguments("all-rpc: lost == 0.9.5", ".", 20,
              "unexpected '.' after 'lost == 0.9' at position 20 in 'all-rpc: lost == 0.9.5'; "
                  + "expected 'and', 'or' or the end"),
          arguments("", "end of text", 0, "empty hypothesis at position 0 in ''; write a comparison, e.g. "
              + "'all-rpc: lost == 0' or 'all-event.place_p99_ms < all-rpc.place_p99_ms'"),
          arguments("   ", "end of text", 3, "empty hypothesis at position 3 in '   '; write a comparison, e.g. "
              + "'all-rpc: lost == 0' or 'all-event.place_p99_ms < all-rpc.place_p99_ms'"),
          arguments("all-rpc: lost + 1", "end of text", 17,
              "'lost + 1' is a value, not a comparison: found end of text at position 17 in 'all-rpc: lost + 1'; "
                  + "expected an operator (+ - * /) or a comparison (< <= > >= == !=)"),
          arguments("all-rpc: 0 < lost < 5", "<", 18,
              "'<' after the comparison '0 < lost' at position 18 in 'all-rpc: 0 < lost < 5'; "
                  + "comparisons do not chain: join two with 'and', e.g. 'a < b and b < c'"),
          arguments("all-rpc: lost and errors == 0", "and", 14,
              "'and' needs a comparison on each side, but 'lost' is a value at position 14 in "
                  + "'all-rpc: lost and errors == 0'; e.g. 'lost == 0 and errors > 0'"),
          arguments("all-rpc: not lost", "not", 9,
              "'not' needs a comparison after it, but 'lost' is a value at position 9 in 'all-rpc: not lost'; "
                  + "e.g. 'not lost > 0'"),
          arguments("all-rpc: (lost == 0) + 1 > 0", "+", 21,
              "'+' needs a value on each side, but 'lost == 0' is a comparison at position 21 in "
                  + "'all-rpc: (lost == 0) + 1 > 0'; join comparisons with 'and' or 'or'"),
          arguments("all-rpc: lost == 0 && errors == 0", "&", 19,
              "unexpected character '&' at position 19 in 'all-rpc: lost == 0 && errors == 0'; write 'and'"),
          arguments("all-rpc: lost = 0", "=", 14,
              "unexpected character '=' at position 14 in 'all-rpc: lost = 0'; write '==' to compare"),
          arguments("all-rpc: lost == 1.", "1.", 17,
              "malformed number '1.' at position 17 in 'all-rpc: lost == 1.'; numbers are written like 5, 0.951 or 1e3"),
          arguments("all-rpc: lost == 2e", "2e", 17,
              "malformed number '2e' at position 17 in 'all-rpc: lost == 2e'; numbers are written like 5, 0.951 or 1e3"),
          arguments("all-rpc.lost == 0 and all-event: lost == 0", "all-event", 22,
              "scope 'all-event:' at position 22 in 'all-rpc.lost == 0 and all-event: lost == 0'; "
                  + "a scope may only begin the hypothesis"),
          arguments("all-rpc: all-event > 0", "all-event", 9,
              "variant 'all-event' without a measure at position 9 in 'all-rpc: all-event > 0'; "
                  + "write all-event.<measure>; " + MEASURES),
          arguments("all-rpc.(lost) > 0", "(", 8,
              "expected a measure after 'all-rpc.', found '(' at position 8 in 'all-rpc.(lost) > 0'; " + MEASURES));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("mistakes")
    @DisplayName("are refused naming the token, its position and what is allowed")
    void refused(String text, String token, int position, String message) {
      assertThatThrownBy(() -> parse(text))
          .isInstanceOfSatisfying(HypothesisException.class, e -> {
            assertThat(e.token()).isEqualTo(token);
            assertThat(e.position()).isEqualTo(position);
          })
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
    }

    @Test
    @DisplayName("the text is kept as written")
    void textAsWritten() {
      assertThat(parse("every:lost==0").text()).isEqualTo("every:lost==0");
      assertThat(parse("every:lost==0").evaluate(summaries("all-rpc", "lost", 0, "all-event", "lost", 0)).passed())
          .isTrue();
    }
  }
}
