package dev.switchboard.experiment.report;

import dev.switchboard.testing.BrowserScript;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

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

  private static final Path OUT = Path.of("target", "report-browser-it");

  @Test
  @DisplayName("loads from disk with every plot drawn, the title and each verdict visible, and nothing fetched")
  void rendersInChromium() throws Exception {
    BrowserScript.require();
    ExperimentResults results = SyntheticResults.twoVariants();
    Path html = ReportWriter.write(results, OUT).toAbsolutePath();
    Path screenshot = OUT.resolve("report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Path output = OUT.resolve("check-report.out").toAbsolutePath();

    BrowserScript.Result run = BrowserScript.run(output, 120, "check-report.js", "--report", html.toString(),
        "--screenshot", screenshot.toString(), "--chromium", BrowserScript.CHROMIUM.toString());
    String printed = run.printed();

    assertThat(run.exitCode()).as(printed).isZero();
    JsonObject check = run.json();
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
}
