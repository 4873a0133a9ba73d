package dev.switchboard.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The classpath directory ({@code <module>/target/lib}, built by {@code ./mvnw package}) of a tool
 * that runs in a JVM of its own so that its jars never share the application's classpath: the Kafka
 * broker and Kafka's tools ({@code kafka-dev}), grpc-java's benchmark server ({@code bench-baselines}).
 * Found from an environment variable, else the checkout this code was built in (from the jar's own
 * location, {@code verticles/target/switchboard.jar}, or {@code verticles/target/classes} in tests, so
 * it runs from any working directory), else the working directory or its parent.
 *
 * @param module   the module, e.g. {@code kafka-dev}
 * @param env      the environment variable that names the directory instead
 * @param contents what the directory holds, for errors, e.g. {@code the broker's jars}
 * @param otherwise what else the user may do, appended to the error, or empty
 */
public record ModuleLib(String module, String env, String contents, String otherwise) {

  /** The directory; an error naming where it looked, how to build it and the variable when there is none. */
  public Path find() throws IOException {
    List<Path> candidates = new ArrayList<>();
    Optional<Path> root = checkoutRoot();
    root.ifPresent(dir -> candidates.add(dir.resolve(Path.of(module, "target", "lib"))));
    candidates.add(Path.of(module, "target", "lib"));
    candidates.add(Path.of("..", module, "target", "lib"));
    return find(System.getenv(env), candidates,
        "build it with ./mvnw package in " + root.map(Path::toString).orElse("the Switchboard checkout"));
  }

  /** The configured directory, else the first candidate that exists; else the error says how to build it. */
  public Path find(String configured, List<Path> candidates, String build) throws IOException {
    if (configured != null && !configured.isBlank()) {
      if (Files.isDirectory(Path.of(configured))) {
        return Path.of(configured);
      }
      throw new IOException(env + " " + configured + " is not a directory: give the directory of " + contents
          + " (" + module + "/target/lib, built by ./mvnw package)" + (otherwise.isEmpty() ? "" : ", " + otherwise));
    }
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IOException("no " + contents + " at " + candidates + ": " + build + " (or set " + env
        + " to a directory of them)" + (otherwise.isEmpty() ? "" : ", " + otherwise));
  }

  /** The checkout three levels above this code's jar or classes directory ({@code <root>/verticles/target/…}). */
  private Optional<Path> checkoutRoot() {
    try {
      java.security.CodeSource source = ModuleLib.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path code = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
      Path target = code.getParent();
      Path verticles = target == null ? null : target.getParent();
      Path root = verticles == null ? null : verticles.getParent();
      // a jar copied elsewhere has no checkout around it
      return Optional.ofNullable(root).filter(dir -> Files.isDirectory(dir.resolve(module)));
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
