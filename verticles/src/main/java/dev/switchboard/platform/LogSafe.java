package dev.switchboard.platform;

/**
 * Makes a value that came from outside safe to put in a log line: control characters (a newline
 * that would forge a second line), format characters (bidirectional overrides), backslashes and
 * quotes are escaped, and a long value is cut, saying how long it was. Every log line that prints
 * an outside value (correlation id, idempotency key, customer id, SKU, header values, topic names
 * from headers, failure messages that quote them) goes through here.
 */
public final class LogSafe {

  /** Characters of a value printed before it is cut. */
  public static final int MAX_LENGTH = 200;

  private LogSafe() {
  }

  /** The value in double quotes, escaped and cut; {@code null} for null. */
  public static String quote(String value) {
    return value == null ? "null" : "\"" + escape(value) + "\"";
  }

  /** The value escaped and cut, without quotes (for values inside a bracketed tag); empty for null. */
  public static String escape(String value) {
    if (value == null) {
      return "";
    }
    if (isPlain(value)) {
      return value; // the common case, on every per-message log line: nothing to copy
    }
    int cut = value.length() > MAX_LENGTH ? MAX_LENGTH : value.length();
    if (cut < value.length() && Character.isHighSurrogate(value.charAt(cut - 1))) {
      cut--;
    }
    StringBuilder safe = new StringBuilder(cut + 16);
    for (int i = 0; i < cut; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> safe.append("\\n");
        case '\r' -> safe.append("\\r");
        case '\t' -> safe.append("\\t");
        case '\\' -> safe.append("\\\\");
        case '"' -> safe.append("\\\"");
        default -> {
          if (needsEscape(c)) {
            safe.append(String.format("\\u%04x", (int) c));
          } else {
            safe.append(c);
          }
        }
      }
    }
    if (cut < value.length()) {
      safe.append("...(").append(value.length()).append(" characters)");
    }
    return safe.toString();
  }

  private static boolean isPlain(String value) {
    if (value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\\' || c == '"') {
        return false;
      }
    }
    return true;
  }

  private static boolean needsEscape(char c) {
    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (Character.isSurrogate(c)) {
      return false; // pairs are printable; a lone one prints as '?' and forges nothing
    }
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
  }
}
