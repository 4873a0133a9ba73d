package dev.switchboard.experiment.hypothesis;

/**
 * A hypothesis that cannot be read: the message names the offending token, its position (characters
 * from 0) in the text, and what would have been allowed there.
 */
public final class HypothesisException extends IllegalArgumentException {

  private final String token;
  private final int position;

  HypothesisException(String message, String token, int position) {
    super(message);
    this.token = token;
    this.position = position;
  }

  /** The offending token as written, or {@code end of text}. */
  public String token() {
    return token;
  }

  /** Where the offending token starts, counting characters from 0. */
  public int position() {
    return position;
  }
}
