package dev.switchboard.experiment.hypothesis;

import dev.switchboard.experiment.hypothesis.HypothesisLexer.Kind;
import dev.switchboard.experiment.hypothesis.HypothesisLexer.Token;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Arithmetic;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Comparison;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Condition;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Constant;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Junction;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Measure;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Negated;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Negation;
import dev.switchboard.experiment.hypothesis.HypothesisNode.Value;

import java.util.List;

/**
 * A recursive-descent parser for hypotheses, checking names against the run's variants and the known
 * measures as it goes:
 * <pre>
 * hypothesis := [scope ':'] or END            scope := variant | 'every'
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := sum [('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') sum]
 * sum        := product (('+' | '-') product)*
 * product    := unary (('*' | '/') unary)*
 * unary      := '-' unary | primary
 * primary    := number | variant '.' measure | measure | '(' or ')'
 * measure    := name | window '.' name
 * </pre>
 * A bare measure needs a scope. A measure over a named window of the run is written
 * {@code <window>.<name>}, as the known measures list it. Parentheses hold either a value or a
 * condition; each operator checks that its operands are of the kind it takes.
 */
final class HypothesisParser {

  static final String EVERY = "every";

  /** {@code scope} is a variant, {@link #EVERY}, or null when every measure is qualified. */
  record Parsed(String scope, Condition condition) {
  }

  private static final String VALUE = "a value is a number, a measure, '-' or '('";
  private static final String AFTER_CONDITION = "expected 'and', 'or'";
  private static final String AFTER_VALUE = "expected an operator (+ - * /) or a comparison (< <= > >= == !=)";

  private final String text;
  private final List<Token> tokens;
  private final List<String> variants;
  private final List<String> measures;
  private String scope;
  private int next;

  private HypothesisParser(String text, List<String> variants, List<String> measures) {
    this.text = text;
    this.tokens = HypothesisLexer.tokenize(text);
    this.variants = variants;
    this.measures = measures;
  }

  static Parsed parse(String text, List<String> variants, List<String> measures) {
    return new HypothesisParser(text, variants, measures).hypothesis();
  }

  private Parsed hypothesis() {
    if (peek().kind() == Kind.END) {
      throw error("empty hypothesis", peek(),
          "write a comparison, e.g. 'all-rpc: lost == 0' or 'all-event.place_p99_ms < all-rpc.place_p99_ms'");
    }
    if (peek().kind() == Kind.WORD && tokens.get(1).kind() == Kind.COLON) {
      Token name = take();
      if (!name.text().equals(EVERY) && !variants.contains(name.text())) {
        throw error("unknown variant " + name.quoted(), name,
            "variants are: " + String.join(", ", variants) + " (or 'every:' for each of them)");
      }
      scope = name.text();
      take();
    }
    HypothesisNode root = or();
    Token last = peek();
    if (last.kind() != Kind.END) {
      if (last.kind() == Kind.CLOSE) {
        throw error("unmatched " + last.quoted(), last, "there is no '(' to close");
      }
      throw error("unexpected " + last.quoted() + " after '" + source(root) + "'", last,
          (root instanceof Condition ? AFTER_CONDITION + " or the end" : AFTER_VALUE));
    }
    if (!(root instanceof Condition condition)) {
      throw error("'" + source(root) + "' is a value, not a comparison: found " + last.quoted(), last, AFTER_VALUE);
    }
    return new Parsed(scope, condition);
  }

  private HypothesisNode or() {
    int start = peek().position();
    HypothesisNode left = and();
    while (peek().kind() == Kind.OR) {
      Token operator = take();
      HypothesisNode right = and();
      left = new Junction(false, condition(left, operator), condition(right, operator), start, lastEnd());
    }
    return left;
  }

  private HypothesisNode and() {
    int start = peek().position();
    HypothesisNode left = not();
    while (peek().kind() == Kind.AND) {
      Token operator = take();
      HypothesisNode right = not();
      left = new Junction(true, condition(left, operator), condition(right, operator), start, lastEnd());
    }
    return left;
  }

  private HypothesisNode not() {
    if (peek().kind() != Kind.NOT) {
      return comparison();
    }
    Token operator = take();
    HypothesisNode operand = not();
    return new Negated(condition(operand, operator), operator.position(), lastEnd());
  }

  private HypothesisNode comparison() {
    int start = peek().position();
    HypothesisNode left = sum();
    if (!peek().kind().comparison()) {
      return left;
    }
    Token operator = take();
    HypothesisNode right = sum();
    Comparison comparison = new Comparison(operator.kind(), value(left, operator), value(right, operator), start, lastEnd());
    if (peek().kind().comparison()) {
      throw error(peek().quoted() + " after the comparison '" + source(comparison) + "'", peek(),
          "comparisons do not chain: join two with 'and', e.g. 'a < b and b < c'");
    }
    return comparison;
  }

  private HypothesisNode sum() {
    int start = peek().position();
    HypothesisNode left = product();
    while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
      Token operator = take();
      HypothesisNode right = product();
      left = new Arithmetic(operator.kind(), value(left, operator), value(right, operator), start, lastEnd());
    }
    return left;
  }

  private HypothesisNode product() {
    int start = peek().position();
    HypothesisNode left = unary();
    while (peek().kind() == Kind.TIMES || peek().kind() == Kind.DIVIDE) {
      Token operator = take();
      HypothesisNode right = unary();
      left = new Arithmetic(operator.kind(), value(left, operator), value(right, operator), start, lastEnd());
    }
    return left;
  }

  private HypothesisNode unary() {
    if (peek().kind() != Kind.MINUS) {
      return primary();
    }
    Token operator = take();
    HypothesisNode operand = unary();
    return new Negation(value(operand, operator), operator.position(), lastEnd());
  }

  private HypothesisNode primary() {
    Token before = next > 0 ? tokens.get(next - 1) : null;
    Token token = take();
    switch (token.kind()) {
      case NUMBER:
        return new Constant(Double.parseDouble(token.text()), token.position(), token.end());
      case WORD:
        return reference(token);
      case OPEN:
        HypothesisNode inner = or();
        Token close = peek();
        if (close.kind() == Kind.CLOSE) {
          take();
          return inner;
        }
        String allowed = (inner instanceof Condition ? AFTER_CONDITION : AFTER_VALUE) + " or ')'";
        if (close.kind() == Kind.END) {
          throw error("'(' at position " + token.position() + " is not closed: found " + close.quoted(), close, allowed);
        }
        throw error("unexpected " + close.quoted() + " after '" + source(inner) + "'", close, allowed);
      default:
        String after = before == null ? ""
            : " after " + (before.kind() == Kind.COLON ? "'" + scope + ":'" : before.quoted());
        throw error("expected a value" + after + ", found " + token.quoted(), token, VALUE);
    }
  }

  private Measure reference(Token name) {
    if (peek().kind() == Kind.DOT && !variants.contains(name.text())) {
      Token last = windowed(name);
      if (last != name) {
        String measure = name.text() + "." + last.text();
        if (scope == null) {
          String example = variants.isEmpty() ? "variant" : variants.get(0);
          throw error("measure '" + measure + "' without a variant", name, "without a scope, write variant.measure (e.g. "
              + example + "." + measure + "), or begin with '" + example + ":' or 'every:'");
        }
        return new Measure(null, measure, name.position(), last.end());
      }
      Token after = tokens.get(next + 1);
      if (after.kind() == Kind.WORD && measures.stream().anyMatch(known -> known.startsWith(name.text() + "."))) {
        throw error("unknown measure '" + name.text() + "." + after.text() + "'", name, measureList());
      }
    }
    if (peek().kind() == Kind.DOT) {
      if (!variants.contains(name.text())) {
        throw error("unknown variant " + name.quoted(), name, "variants are: " + String.join(", ", variants));
      }
      Token dot = take();
      Token measure = take();
      if (measure.kind() != Kind.WORD) {
        throw error("expected a measure after '" + name.text() + dot.text() + "', found " + measure.quoted(), measure,
            measureList());
      }
      Token last = windowed(measure);
      String measureName = last == measure ? measure.text() : measure.text() + "." + last.text();
      if (last == measure) {
        checkMeasure(measure);
      }
      return new Measure(name.text(), measureName, name.position(), last.end());
    }

    boolean variant = variants.contains(name.text());
    if ((variant || name.text().equals(EVERY)) && peek().kind() == Kind.COLON) {
      throw error("scope '" + name.text() + ":'", name, "a scope may only begin the hypothesis");
    }
    if (variant) {
      throw error("variant " + name.quoted() + " without a measure", name,
          "write " + name.text() + ".<measure>; " + measureList());
    }
    if (Character.isDigit(name.text().charAt(0))) {
      throw error("malformed number " + name.quoted(), name, HypothesisLexer.NUMBERS);
    }
    if (scope == null) {
      String example = variants.isEmpty() ? "variant" : variants.get(0);
      String variantList = "variants are: " + String.join(", ", variants);
      if (measures.contains(name.text())) {
        throw error("measure " + name.quoted() + " without a variant", name, "without a scope, write variant.measure (e.g. "
            + example + "." + name.text() + "), or begin with '" + example + ":' or 'every:'; " + variantList);
      }
      throw error("unknown name " + name.quoted(), name,
          "without a scope, a measure is written variant.measure; " + variantList + "; " + measureList());
    }
    checkMeasure(name);
    return new Measure(null, name.text(), name.position(), name.end());
  }

  /**
   * When {@code window} and the tokens after it spell a known {@code <window>.<name>} measure, takes
   * them and returns the last; else takes nothing and returns {@code window}.
   */
  private Token windowed(Token window) {
    if (peek().kind() != Kind.DOT || tokens.get(next + 1).kind() != Kind.WORD
        || !measures.contains(window.text() + "." + tokens.get(next + 1).text())) {
      return window;
    }
    take();
    return take();
  }

  private void checkMeasure(Token measure) {
    if (!measures.contains(measure.text())) {
      String hint = measure.text().contains("-") ? "; to subtract, put spaces around '-'" : "";
      throw error("unknown measure " + measure.quoted(), measure, measureList() + hint);
    }
  }

  private String measureList() {
    return "measures are: " + String.join(", ", measures);
  }

  private Condition condition(HypothesisNode node, Token operator) {
    if (node instanceof Condition condition) {
      return condition;
    }
    if (operator.kind() == Kind.NOT) {
      throw error("'not' needs a comparison after it, but '" + source(node) + "' is a value", operator,
          "e.g. 'not lost > 0'");
    }
    throw error(operator.quoted() + " needs a comparison on each side, but '" + source(node) + "' is a value", operator,
        "e.g. 'lost == 0 " + operator.text() + " errors > 0'");
  }

  private Value value(HypothesisNode node, Token operator) {
    if (node instanceof Value value) {
      return value;
    }
    throw error(operator.quoted() + " needs a value on each side, but '" + source(node) + "' is a comparison", operator,
        "join comparisons with 'and' or 'or'");
  }

  private String source(HypothesisNode node) {
    return text.substring(node.start(), node.end());
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token token = tokens.get(next);
    if (token.kind() != Kind.END) {
      next++;
    }
    return token;
  }

  private int lastEnd() {
    return next > 0 ? tokens.get(next - 1).end() : 0;
  }

  private HypothesisException error(String what, Token token, String allowed) {
    String shown = token.kind() == Kind.END ? "end of text" : token.text();
    return new HypothesisException(what + " at position " + token.position() + " in '" + text + "'; " + allowed,
        shown, token.position());
  }
}
