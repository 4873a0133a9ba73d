package dev.switchboard.experiment.report;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A report as a reader sees it: {@code clients/browser/check-report.js} opens {@code report.html} from
 * disk in headless Chromium (Debian's {@code /usr/bin/chromium}, driven by playwright-core) and checks
 * that every plot renders, the title and each verdict show, and nothing is fetched from outside the file.
 * The report and a full-page screenshot stay in {@code target/report-browser-it/} for a human to look at.
 * CI installs Chromium, runs {@code npm ci} in clients/browser and sets
 * {@code SWITCHBOARD_REQUIRE_BROWSER=1}, so a missing browser fails the test; elsewhere it is skipped
 * with a note.
 */
@DisplayName("report.html in a real browser")
class ReportBrowserIT {

  private static final Path CLIENT = Path.of("..", "clients", "browser");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path OUT = Path.of("target", "report-browser-it");

  @Test
  @DisplayName("loads from disk with every plot drawn, the title and each verdict visible, and nothing fetched")
  void rendersInChromium() throws Exception {
    requireBrowser();
    ExperimentResults results = SyntheticResults.twoVariants();
    Path html = ReportWriter.write(results, OUT).toAbsolutePath();
    Path screenshot = OUT.resolve("report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Path output = OUT.resolve("check-report.out").toAbsolutePath();

    Process node = new ProcessBuilder("node", "check-report.js", "--report", html.toString(),
        "--screenshot", screenshot.toString(), "--chromium", CHROMIUM.toString())
        .directory(CLIENT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    boolean exited = node.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      node.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(exited).as("check-report.js finished within 120 s: %s", printed).isTrue();
    assertThat(node.exitValue()).as(printed).isZero();
    List<String> lines = printed.lines().filter(line -> line.startsWith("{")).toList();
    assertThat(lines).as(printed).isNotEmpty();
    JsonObject check = new JsonObject(lines.get(lines.size() - 1));
    assertThat(check.getBoolean("ok")).as(printed).isTrue();
    assertThat(check.getString("title")).isEqualTo(results.experiment());
    assertThat(check.getBoolean("headingVisible")).isTrue();
    assertThat(check.getInteger("images")).isEqualTo(ReportPlots.draw(results).size()).isGreaterThanOrEqualTo(6);
    assertThat(check.getInteger("brokenImages")).isZero();
    assertThat(check.getJsonArray("verdicts").stream().map(v -> ((JsonObject) v).getString("text")))
        .containsExactly("PASS", "FAIL");
    assertThat(check.getJsonArray("verdicts").stream().map(v -> ((JsonObject) v).getBoolean("visible")))
        .containsOnly(true);
    assertThat(check.getJsonArray("outsideRequests")).isEmpty();
    assertThat(check.getInteger("scripts")).isZero();

    BufferedImage shot = ImageIO.read(screenshot.toFile());
    assertThat(shot).as("the screenshot %s", screenshot).isNotNull();
    assertThat(shot.getHeight()).isGreaterThan(shot.getWidth());
  }

  private static void requireBrowser() {
    boolean chromium = Files.isExecutable(CHROMIUM);
    boolean client = Files.isDirectory(CLIENT.resolve("node_modules").resolve("playwright-core"));
    boolean ready = chromium && client;
    String how = (chromium ? "" : "install Chromium ('apt-get install -y chromium'); ")
        + (client ? "" : "run 'npm ci' in clients/browser (needs Node.js 20+)");
    if (!ready && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_BROWSER"))) {
      throw new AssertionError("the browser check is required: " + how);
    }
    Assumptions.assumeTrue(ready, "no browser to open the report in: " + how + "; test skipped");
  }
}
