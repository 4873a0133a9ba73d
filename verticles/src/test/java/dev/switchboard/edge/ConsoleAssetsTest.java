package dev.switchboard.edge;

import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.RunningNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's console is served by the management port from the jar, open to read without the
 * token (it is only a page over the JSON API): the page at {@code /}, and every script and style it
 * names — its own and the chart library's — with the right content type, all from the node itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The web console's page and assets")
class ConsoleAssetsTest {

  private static final Pattern ASSET = Pattern.compile("<(?:script|link)\\b[^>]*\\b(?:src|href)=\"([^\"]+)\"");

  private RunningNode running;
  private ManagementClient management;

  @BeforeAll
  void startWithoutToken() {
    running = RunningNode.start(Map.of());
    management = new ManagementClient(running.node().httpPort(), null);
  }

  @AfterAll
  void stop() {
    management.close();
    running.close();
  }

  @Test
  @DisplayName("GET / is the page, as HTML, without a token, and allows loading from the node only")
  void page() {
    ManagementClient.Response page = management.get("/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html").containsIgnoringCase("charset=utf-8");
    assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.body()).contains("<title>Switchboard console</title>", "id=\"operations\"", "id=\"chart\"",
        "<label for=\"token\">Management token</label>");
  }

  @Test
  @DisplayName("every script and style the page names is served from the node with its content type")
  void assets() {
    List<String> assets = assetsOf(management.get("/").body());

    assertThat(assets).as("the page's scripts and styles").contains("/console/console.js", "/console/console.css")
        .anyMatch(path -> path.startsWith("/webjars/uplot/") && path.endsWith("/uPlot.iife.min.js"))
        .anyMatch(path -> path.startsWith("/webjars/uplot/") && path.endsWith("/uPlot.min.css"))
        .allMatch(path -> path.startsWith("/") && !path.startsWith("//") || path.startsWith("data:"));
    for (String path : assets.stream().filter(path -> path.startsWith("/")).toList()) {
      ManagementClient.Response asset = management.get(path);
      assertThat(asset.status()).as(path).isEqualTo(200);
      assertThat(asset.body()).as(path).isNotBlank();
      String expected = path.endsWith(".js") ? "text/javascript" : "text/css";
      assertThat(asset.header("Content-Type")).as(path).startsWith(expected);
    }
  }

  @Test
  @DisplayName("the chart library is uPlot itself, and a path outside the console's folders is not served")
  void libraryAndNothingElse() {
    String uplot = assetsOf(management.get("/").body()).stream().filter(path -> path.endsWith("uPlot.iife.min.js"))
        .findFirst().orElseThrow();

    assertThat(management.get(uplot).body()).contains("uPlot");
    assertThat(management.get("/console/../logback.xml").status()).isNotEqualTo(200);
    assertThat(management.get("/webjars/uplot/").status()).isEqualTo(404);
    assertThat(management.get("/console/nope.js").status()).isEqualTo(404);
  }

  private static List<String> assetsOf(String html) {
    List<String> found = new ArrayList<>();
    Matcher matcher = ASSET.matcher(html);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }
}
