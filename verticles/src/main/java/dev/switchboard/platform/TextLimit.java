package dev.switchboard.platform;

import java.util.regex.Pattern;

/**
 * A bound on a text value from outside: not empty, at most {@code maxLength} characters, each one
 * of the {@code allowed} characters (the body of a regex character class, such as
 * {@code A-Za-z0-9._:-}). {@link #check} refuses a value with INVALID_ARGUMENT naming the field and
 * the limit, e.g. {@code x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-], was
 * 300 characters}; the refusal never repeats the value itself.
 */
public final class TextLimit {

  private final String field;
  private final int maxLength;
  private final String allowed;
  private final Pattern pattern;

  public TextLimit(String field, int maxLength, String allowed) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
    }
    this.field = field;
    this.maxLength = maxLength;
    this.allowed = allowed;
    this.pattern = Pattern.compile("[" + allowed + "]*");
  }

  /** The same limit for a field of another name (a header, a list element). */
  public TextLimit named(String otherField) {
    return new TextLimit(otherField, maxLength, allowed);
  }

  public String field() {
    return field;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The allowed characters as a character class, e.g. {@code [A-Za-z0-9._:-]}. */
  public String characters() {
    return "[" + allowed + "]";
  }

  public boolean accepts(String value) {
    return problem(value) == null;
  }

  /** Returns the value if it is within the limit; otherwise fails with INVALID_ARGUMENT naming field and limit. */
  public String check(String value) {
    String problem = problem(value);
    if (problem != null) {
      throw new OperationException(ErrorCode.INVALID_ARGUMENT, problem);
    }
    return value;
  }

  private String problem(String value) {
    if (value == null || value.isEmpty()) {
      return field + " must not be empty";
    }
    String rule = field + " must be at most " + maxLength + " characters of " + characters();
    if (value.length() > maxLength) {
      return rule + ", was " + value.length() + " characters";
    }
    if (!pattern.matcher(value).matches()) {
      for (int i = 0; i < value.length(); i++) {
        if (!pattern.matcher(value.substring(i, i + 1)).matches()) {
          return rule + ", has " + LogSafe.quote(value.substring(i, i + 1)) + " at position " + i;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return field + ": 1 to " + maxLength + " characters of " + characters();
  }
}
