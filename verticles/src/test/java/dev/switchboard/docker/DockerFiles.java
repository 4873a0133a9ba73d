package dev.switchboard.docker;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of {@code docker/} as a test reads them: YAML documents as maps, {@code docker/.env.example}
 * as variables, and compose's {@code ${VAR}} / {@code ${VAR:?message}} interpolation with them.
 */
final class DockerFiles {

  /** The folder, from the module's directory (where the tests run). */
  static final Path DIR = Path.of("..", "docker");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[?-][^}]*)?}");

  private DockerFiles() {
  }

  static String read(String relative) {
    try {
      return Files.readString(DIR.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> yaml(String relative) {
    return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(read(relative)), relative);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new AssertionError(what + " is not a mapping: " + value);
    }
    return (Map<String, Object>) map;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    if (!(value instanceof List<?> list)) {
      throw new AssertionError(what + " is not a list: " + value);
    }
    return (List<Object>) list;
  }

  /** {@code docker/.env.example}: KEY=VALUE lines, comments and blank lines left out. */
  static Map<String, String> envExample() {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String line : read(".env.example").split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new AssertionError(".env.example: not KEY=VALUE: " + line);
      }
      variables.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }
    return variables;
  }

  /** The variables {@code text} interpolates, in order. */
  static List<String> variables(String text) {
    return VARIABLE.matcher(text).results().map(match -> match.group(1)).toList();
  }

  /** {@code text} with each {@code ${VAR...}} replaced by its value; a variable without one fails. */
  static String interpolate(String text, Map<String, String> values) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new AssertionError("no value for ${" + matcher.group(1) + "} in " + text);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
