package dev.switchboard.platform.store;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform's migrations and those only H2 takes are one sequence of versions: H2 applies both
 * folders together, and Flyway refuses to open a store whose migrations share a version.
 */
@DisplayName("Schema migration versions")
class SchemaVersionsTest {

  private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");

  private static List<Integer> versions(String location) throws IOException, URISyntaxException {
    Path folder = Path.of(SchemaVersionsTest.class.getClassLoader().getResource(location).toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> VERSION.matcher(file.getFileName().toString()))
          .filter(Matcher::matches)
          .map(version -> Integer.parseInt(version.group(1)))
          .toList();
    }
  }

  @Test
  @DisplayName("no version of db/platform-h2 is also one of db/platform")
  void h2OnlyVersionsAreTheirOwn() throws Exception {
    SchemaMigrations platform = SchemaMigrations.PLATFORM;
    List<Integer> shared = versions(platform.location());
    List<Integer> h2Only = versions(platform.h2Location());

    assertThat(shared).isNotEmpty().doesNotHaveDuplicates();
    assertThat(h2Only).isNotEmpty().doesNotHaveDuplicates().doesNotContainAnyElementsOf(shared);
  }
}
