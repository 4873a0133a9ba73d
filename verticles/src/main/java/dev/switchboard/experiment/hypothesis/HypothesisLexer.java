package dev.switchboard.experiment.hypothesis;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a hypothesis into tokens. A word is a variant or measure name: letters, digits, {@code _}
 * and {@code -} between two of them, so {@code all-event} is one word and {@code a - b} a subtraction.
 */
final class HypothesisLexer {

  enum Kind {
    NUMBER, WORD, DOT, COLON, OPEN, CLOSE, PLUS, MINUS, TIMES, DIVIDE, LT, LE, GT, GE, EQ, NE, AND, OR, NOT, END;

    boolean comparison() {
      return this == LT || this == LE || this == GT || this == GE || this == EQ || this == NE;
    }
  }

  record Token(Kind kind, String text, int position) {

    int end() {
      return position + text.length();
    }

    /** The token as an error message names it. */
    String quoted() {
      return kind == Kind.END ? "end of text" : "'" + text + "'";
    }
  }

  static final String NUMBERS = "numbers are written like 5, 0.951 or 1e3";
  private static final String ALLOWED = "allowed are names, numbers, ( ) + - * / < <= > >= == != and 'and', 'or', 'not'";

  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private int at;

  private HypothesisLexer(String text) {
    this.text = text;
  }

  static List<Token> tokenize(String text) {
    HypothesisLexer lexer = new HypothesisLexer(text);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (Character.isWhitespace(c)) {
        at++;
      } else if (isDigit(c)) {
        number();
      } else if (isLetter(c) || c == '_') {
        word(at);
      } else {
        symbol(c);
      }
    }
    tokens.add(new Token(Kind.END, "", text.length()));
  }

  private void number() {
    int start = at;
    skipDigits();
    boolean plain = true;
    if (charAt(at) == '.') {
      if (!isDigit(charAt(at + 1))) {
        throw malformedNumber(start, at + 1);
      }
      at++;
      skipDigits();
      plain = false;
    }
    if (charAt(at) == 'e' || charAt(at) == 'E') {
      int exponent = at + 1;
      if (charAt(exponent) == '+' || charAt(exponent) == '-') {
        exponent++;
      }
      if (isDigit(charAt(exponent))) {
        at = exponent;
        skipDigits();
        plain = false;
      }
    }
    if (isWordChar(charAt(at))) {
      if (plain) {
        word(start); // a name that starts with digits, such as a variant called 2pc
        return;
      }
      int end = at;
      while (isWordChar(charAt(end))) {
        end++;
      }
      throw malformedNumber(start, end);
    }
    tokens.add(new Token(Kind.NUMBER, text.substring(start, at), start));
  }

  private void word(int start) {
    at = start;
    while (isWordChar(charAt(at)) || charAt(at) == '-' && isWordChar(charAt(at - 1)) && isWordChar(charAt(at + 1))) {
      at++;
    }
    String word = text.substring(start, at);
    Kind kind = switch (word) {
      case "and" -> Kind.AND;
      case "or" -> Kind.OR;
      case "not" -> Kind.NOT;
      default -> Kind.WORD;
    };
    tokens.add(new Token(kind, word, start));
  }

  private void symbol(char c) {
    char next = charAt(at + 1);
    Kind kind = switch (c) {
      case '.' -> Kind.DOT;
      case ':' -> Kind.COLON;
      case '(' -> Kind.OPEN;
      case ')' -> Kind.CLOSE;
      case '+' -> Kind.PLUS;
      case '-' -> Kind.MINUS;
      case '*' -> Kind.TIMES;
      case '/' -> Kind.DIVIDE;
      case '<' -> next == '=' ? Kind.LE : Kind.LT;
      case '>' -> next == '=' ? Kind.GE : Kind.GT;
      case '=' -> next == '=' ? Kind.EQ : null;
      case '!' -> next == '=' ? Kind.NE : null;
      default -> null;
    };
    if (kind == null) {
      String hint = switch (c) {
        case '=' -> "write '==' to compare";
        case '!' -> "write '!=' or 'not'";
        case '&' -> "write 'and'";
        case '|' -> "write 'or'";
        default -> ALLOWED;
      };
      throw error("unexpected character '" + c + "'", String.valueOf(c), at, hint);
    }
    int length = kind == Kind.LE || kind == Kind.GE || kind == Kind.EQ || kind == Kind.NE ? 2 : 1;
    tokens.add(new Token(kind, text.substring(at, at + length), at));
    at += length;
  }

  private HypothesisException malformedNumber(int start, int end) {
    String number = text.substring(start, end);
    return error("malformed number '" + number + "'", number, start, NUMBERS);
  }

  private HypothesisException error(String what, String token, int position, String allowed) {
    return new HypothesisException(what + " at position " + position + " in '" + text + "'; " + allowed, token, position);
  }

  private void skipDigits() {
    while (isDigit(charAt(at))) {
      at++;
    }
  }

  private char charAt(int index) {
    return index >= 0 && index < text.length() ? text.charAt(index) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isWordChar(char c) {
    return isLetter(c) || isDigit(c) || c == '_';
  }
}
