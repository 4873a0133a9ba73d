package dev.switchboard.experiment;

/** An experiment file that cannot run as written: names the file, the key, the value and what is allowed. */
public final class ExperimentFileException extends IllegalArgumentException {

  public ExperimentFileException(String source, String key, Object value, String allowed) {
    super(source + ": " + key + " = '" + value + "': " + allowed);
  }

  public ExperimentFileException(String message) {
    super(message);
  }
}
