package dev.switchboard.experiment.hypothesis;

/**
 * A parsed hypothesis: values (numbers, measures and arithmetic on them) and conditions (comparisons
 * of values, joined with and, or, not). {@code start} and {@code end} are the node's span in the text.
 */
sealed interface HypothesisNode {

  int start();

  int end();

  /** Where a hypothesis reads its measures, and hears of arithmetic that could not be done. */
  interface Reading {

    /** The measure's value, NaN when it is missing; {@code variant} null means the hypothesis's scope. */
    double read(String variant, String measure);

    void divisionByZero(HypothesisNode division);
  }

  sealed interface Value extends HypothesisNode {
    double value(Reading reading);
  }

  /** {@code holds} answers TRUE, FALSE, or null when a value it compares is undefined (missing, NaN, a division by zero). */
  sealed interface Condition extends HypothesisNode {
    Boolean holds(Reading reading);
  }

  record Constant(double number, int start, int end) implements Value {
    @Override
    public double value(Reading reading) {
      return number;
    }
  }

  /** {@code variant} is null for a bare measure name, read from the hypothesis's scope. */
  record Measure(String variant, String name, int start, int end) implements Value {
    @Override
    public double value(Reading reading) {
      return reading.read(variant, name);
    }
  }

  record Negation(Value operand, int start, int end) implements Value {
    @Override
    public double value(Reading reading) {
      return -operand.value(reading);
    }
  }

  record Arithmetic(HypothesisLexer.Kind operator, Value left, Value right, int start, int end) implements Value {
    @Override
    public double value(Reading reading) {
      double a = left.value(reading);
      double b = right.value(reading);
      return switch (operator) {
        case PLUS -> a + b;
        case MINUS -> a - b;
        case TIMES -> a * b;
        case DIVIDE -> {
          if (b == 0) {
            reading.divisionByZero(this);
            yield Double.NaN;
          }
          yield a / b;
        }
        default -> throw new IllegalStateException("not arithmetic: " + operator);
      };
    }
  }

  record Comparison(HypothesisLexer.Kind operator, Value left, Value right, int start, int end) implements Condition {
    @Override
    public Boolean holds(Reading reading) {
      double a = left.value(reading);
      double b = right.value(reading);
      if (Double.isNaN(a) || Double.isNaN(b)) {
        return null;
      }
      return switch (operator) {
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        case EQ -> a == b;
        case NE -> a != b;
        default -> throw new IllegalStateException("not a comparison: " + operator);
      };
    }
  }

  /** Both sides are always evaluated, so that the verdict lists every value the hypothesis reads. */
  record Junction(boolean and, Condition left, Condition right, int start, int end) implements Condition {
    @Override
    public Boolean holds(Reading reading) {
      Boolean a = left.holds(reading);
      Boolean b = right.holds(reading);
      Boolean decisive = !and;
      if (decisive.equals(a) || decisive.equals(b)) {
        return decisive;
      }
      return a == null || b == null ? null : !decisive;
    }
  }

  record Negated(Condition operand, int start, int end) implements Condition {
    @Override
    public Boolean holds(Reading reading) {
      Boolean held = operand.holds(reading);
      return held == null ? null : !held;
    }
  }
}
