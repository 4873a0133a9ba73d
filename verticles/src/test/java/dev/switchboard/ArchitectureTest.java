package dev.switchboard;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The arrows between the source packages point one way: the platform knows no application, edge or
 * experiment, and never the classes generated from the checkout protos; the checkout services know
 * neither edges nor experiments, nor transports, modes or how their operations are carried; the
 * edges serve from a node but do not know how it is built ({@code node}, the composition root).
 * Read from the source files: every import and every fully-qualified name outside comments and
 * string literals counts. The command line ({@code cli}) sits on top and may use everything.
 */
@DisplayName("Dependencies between the packages point one way")
class ArchitectureTest {

  private static final Path SOURCES = sourceRoot();
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("(?<![\\w.])dev\\.switchboard(?:\\.[A-Za-z_$][\\w$]*)*(?:\\.\\*)?");

  /** A package (under {@code dev/switchboard}), and the names none of its files may refer to. */
  static Stream<Arguments> rules() {
    return Stream.of(
        rule("the platform knows no application, edge, node or experiment", "platform",
            "dev.switchboard.checkout", "dev.switchboard.edge", "dev.switchboard.node", "dev.switchboard.experiment"),
        rule("the platform uses nothing generated from the checkout protos", "platform",
            "dev.switchboard.checkout.v1"),
        rule("checkout services know no edge, node, experiment, transport, mode or transport kind", "checkout",
            "dev.switchboard.edge", "dev.switchboard.node", "dev.switchboard.experiment", "dev.switchboard.platform.transport",
            "dev.switchboard.platform.config.Mode", "dev.switchboard.platform.config.Transport"),
        rule("the edges know neither the node that builds them, the experiments nor the command line", "edge",
            "dev.switchboard.node", "dev.switchboard.experiment", "dev.switchboard.cli"),
        rule("the node (the composition root) knows neither the experiments nor the command line", "node",
            "dev.switchboard.experiment", "dev.switchboard.cli"),
        rule("the experiments do not know the command line", "experiment", "dev.switchboard.cli"));
  }

  private static Arguments rule(String description, String area, String... forbidden) {
    return arguments(Named.of(description, area), List.of(forbidden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  @DisplayName("no source file refers to a name its package must not know")
  void noForbiddenReference(String area, List<String> forbidden) throws IOException {
    Path root = SOURCES.resolve(area);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(path -> path.toString().endsWith(".java")).sorted().toList();
    }
    assertThat(files).as("Java sources under %s", root).isNotEmpty();

    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      String name = SOURCES.relativize(file).toString();
      violations.addAll(violations(name, Files.readString(file, StandardCharsets.UTF_8), forbidden));
    }

    assertThat(violations)
        .withFailMessage("%s/ must not refer to %s, but:%n  %s", area, forbidden, String.join("\n  ", violations))
        .isEmpty();
  }

  @Test
  @DisplayName("the check sees imports, static imports, wildcards and qualified names, but not comments or strings")
  void checkFindsWhatItShould() {
    String source = """
        package dev.switchboard.checkout;

        import dev.switchboard.platform.Switchboard;
        import dev.switchboard.platform.config.*;
        import static dev.switchboard.platform.config.Mode.RPC;
        import dev.switchboard.platform.configuration.Thing;
        // import dev.switchboard.edge.Main;
        /* dev.switchboard.edge.Main
           dev.switchboard.edge.Main */
        /** {@link dev.switchboard.edge.Main} */
        class Sample {
          String text = "dev.switchboard.edge.Main /*";
          String block = \"""
              dev.switchboard.edge.Main
              \""";
          char quote = '"';
          Object edge = new dev.switchboard.edge.Main();
        }
        """;

    List<String> violations = violations("checkout/Sample.java", source,
        List.of("dev.switchboard.edge", "dev.switchboard.platform.config.Mode"));

    assertThat(violations).containsExactly(
        "checkout/Sample.java:4: import dev.switchboard.platform.config.*; (dev.switchboard.platform.config.Mode)",
        "checkout/Sample.java:5: import static dev.switchboard.platform.config.Mode.RPC; "
            + "(dev.switchboard.platform.config.Mode)",
        "checkout/Sample.java:17: Object edge = new dev.switchboard.edge.Main(); (dev.switchboard.edge)");
  }

  /** One line per reference to a forbidden name: {@code file:line: source line (forbidden name)}. */
  static List<String> violations(String fileName, String source, List<String> forbidden) {
    List<String> found = new ArrayList<>();
    String[] original = source.split("\n", -1);
    String[] code = codeOnly(source).split("\n", -1);
    for (int i = 0; i < code.length; i++) {
      if (code[i].trim().startsWith("package ")) {
        continue;
      }
      Matcher name = QUALIFIED_NAME.matcher(code[i]);
      while (name.find()) {
        for (String banned : forbidden) {
          if (refersTo(name.group(), banned)) {
            found.add(fileName + ":" + (i + 1) + ": " + original[i].trim() + " (" + banned + ")");
          }
        }
      }
    }
    return found;
  }

  /** {@code reference} names {@code banned} or something inside it, or imports it with a wildcard. */
  static boolean refersTo(String reference, String banned) {
    if (reference.equals(banned) || reference.startsWith(banned + ".")) {
      return true;
    }
    if (reference.endsWith(".*")) {
      String wildcardPackage = reference.substring(0, reference.length() - 2);
      return banned.startsWith(wildcardPackage + ".") && banned.indexOf('.', wildcardPackage.length() + 1) < 0;
    }
    return false;
  }

  /** The source with comments and the contents of string, character and text-block literals blanked; lines kept. */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = skip(source, i, end < 0 ? n : end + 2, out);
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        while (end > 0 && source.charAt(end - 1) == '\\') {
          end = source.indexOf("\"\"\"", end + 3);
        }
        i = skip(source, i, end < 0 ? n : end + 3, out);
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        i = skip(source, i, Math.min(n, j + 1), out);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Skips {@code source[from, to)}, keeping only its line breaks; returns {@code to}. */
  private static int skip(String source, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      if (source.charAt(k) == '\n') {
        out.append('\n');
      }
    }
    out.append(' ');
    return to;
  }

  /** {@code src/main/java/dev/switchboard} of this module; surefire runs in the module directory. */
  private static Path sourceRoot() {
    Path moduleDir = Path.of(System.getProperty("user.dir"));
    for (Path candidate : List.of(moduleDir, moduleDir.resolve("verticles"))) {
      Path sources = candidate.resolve("src/main/java/dev/switchboard");
      if (Files.isDirectory(sources)) {
        return sources;
      }
    }
    throw new UncheckedIOException(new IOException("no src/main/java/dev/switchboard under " + moduleDir));
  }
}
