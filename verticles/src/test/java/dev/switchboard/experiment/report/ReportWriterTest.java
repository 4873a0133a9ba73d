package dev.switchboard.experiment.report;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ReportWriter} leaves in a directory for a two-variant run with a fault window and one
 * failed hypothesis: results.json in its documented shape, a self-contained report.html, report.md with
 * its plots beside it, and HdrHistogram logs that give back what was recorded.
 */
@DisplayName("The experiment report writer")
class ReportWriterTest {

  private static final Pattern DATA_IMAGE = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
  private static final List<String> PLOTS = List.of("place-latency.png", "terminal-latency.png", "throughput.png",
      "backlog.png", "queue-depth.png", "latency-spectrum.png", "consistency-lag.png");

  @TempDir
  static Path dir;

  static ExperimentResults results;
  static Path html;

  @BeforeAll
  static void write() throws IOException {
    results = SyntheticResults.twoVariants();
    html = ReportWriter.write(results, dir.resolve("out").resolve("payment-slowdown"));
  }

  private static String read(String file) throws IOException {
    return Files.readString(html.resolveSibling(file), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("creates the directory and returns the path of report.html")
  void returnsReportHtml() {
    assertThat(html).hasFileName("report.html").isRegularFile();
    assertThat(html.getParent()).isEqualTo(dir.resolve("out").resolve("payment-slowdown"));
  }

  @Nested
  @DisplayName("results.json")
  class ResultsFile {

    @Test
    @DisplayName("validates against the results.schema.json written beside it")
    void validatesAgainstSchema() throws IOException {
      SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(read("results.schema.json"), InputFormat.JSON, config);

      Set<ValidationMessage> errors = schema.validate(read("results.json"), InputFormat.JSON);

      assertThat(errors).isEmpty();
    }

    @Test
    @DisplayName("is rejected by the schema when a summary measure is not a number or a required field is missing")
    void schemaHasTeeth() throws IOException {
      JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(read("results.schema.json"));
      JsonObject json = new JsonObject(read("results.json"));
      json.getJsonArray("variants").getJsonObject(0).getJsonObject("summary").put("lost", "none");
      json.remove("claim");

      Set<ValidationMessage> errors = schema.validate(json.encode(), InputFormat.JSON);

      assertThat(errors).extracting(ValidationMessage::getMessage)
          .anySatisfy(message -> assertThat(message).contains("lost"))
          .anySatisfy(message -> assertThat(message).contains("claim"));
    }

    @Test
    @DisplayName("keeps the experiment, claim, start, faults and hypotheses as given")
    void topLevel() throws IOException {
      JsonObject json = new JsonObject(read("results.json"));

      assertThat(json.fieldNames()).containsExactly("experiment", "claim", "startedAt", "variants", "faults", "hypotheses");
      assertThat(json.getString("claim")).isEqualTo(SyntheticResults.CLAIM);
      assertThat(json.getString("startedAt")).isEqualTo("2026-03-01T10:15:30Z");
      assertThat(json.getJsonArray("faults").getJsonObject(0).getMap())
          .containsEntry("at_s", 3.0).containsEntry("until_s", 6.0)
          .containsEntry("target", "payment.charge").containsEntry("what", "latencyMs=2000");
      assertThat(json.getJsonArray("hypotheses").stream().map(h -> ((JsonObject) h).getBoolean("passed")))
          .containsExactly(true, false);
    }

    @Test
    @DisplayName("lists every summary measure given, in the order of Measures.SUMMARY, with NaN as null")
    void summary() throws IOException {
      JsonArray variants = new JsonObject(read("results.json")).getJsonArray("variants");

      for (int i = 0; i < variants.size(); i++) {
        JsonObject summary = variants.getJsonObject(i).getJsonObject("summary");
        assertThat(summary.fieldNames()).containsExactlyElementsOf(results.variants().get(i).summary().keySet());
        assertThat(List.copyOf(summary.fieldNames())).containsExactlyElementsOf(Measures.SUMMARY.keySet());
      }
      JsonObject rpc = variants.getJsonObject(0).getJsonObject("summary");
      assertThat(rpc.getValue("offered")).isEqualTo(500);
      assertThat(rpc.getValue("success_rate")).isEqualTo(0.9412);
      assertThat(rpc.containsKey("consistency_lag_p50_ms")).isTrue();
      assertThat(rpc.getValue("consistency_lag_p50_ms")).isNull();
    }

    @Test
    @DisplayName("has one series entry per second, each starting with t_s")
    void series() throws IOException {
      JsonArray variants = new JsonObject(read("results.json")).getJsonArray("variants");

      for (Object variant : variants) {
        JsonArray series = ((JsonObject) variant).getJsonArray("series");
        assertThat(series).hasSize(SyntheticResults.SECONDS);
        for (int t = 0; t < series.size(); t++) {
          JsonObject second = series.getJsonObject(t);
          assertThat(second.fieldNames().iterator().next()).isEqualTo("t_s");
          assertThat(second.getInteger("t_s")).isEqualTo(t);
        }
      }
      assertThat(variants.getJsonObject(0).getJsonArray("series").getJsonObject(0).getValue("consistency_lag_p99_ms")).isNull();
    }
  }

  @Nested
  @DisplayName("results.schema.json")
  class Schema {

    @Test
    @DisplayName("lists every summary and per-second measure of Measures, with its meaning")
    void listsEveryMeasure() throws IOException {
      JsonObject variant = new JsonObject(read("results.schema.json"))
          .getJsonObject("properties").getJsonObject("variants").getJsonObject("items").getJsonObject("properties");
      JsonObject summary = variant.getJsonObject("summary").getJsonObject("properties");
      JsonObject second = variant.getJsonObject("series").getJsonObject("items").getJsonObject("properties");

      assertThat(summary.fieldNames()).containsExactlyElementsOf(Measures.SUMMARY.keySet());
      assertThat(second.fieldNames()).containsExactlyElementsOf(Measures.SERIES.keySet());
      Measures.SUMMARY.forEach((name, meaning) ->
          assertThat(summary.getJsonObject(name).getString("description")).isEqualTo(meaning));
    }

    @Test
    @DisplayName("is the copy kept in the jar (regenerate it with ResultsSchema.main when Measures change)")
    void resourceIsCurrent() throws IOException {
      String resource;
      try (InputStream in = ReportWriterTest.class.getClassLoader().getResourceAsStream(ResultsSchema.RESOURCE)) {
        assertThat(in).as(ResultsSchema.RESOURCE + " on the class path").isNotNull();
        resource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }

      assertThat(read("results.schema.json"))
          .as("verticles/src/main/resources/%s is stale: run ResultsSchema.main with that path", ResultsSchema.RESOURCE)
          .isEqualTo(resource);
    }
  }

  @Nested
  @DisplayName("report.html")
  class Html {

    @Test
    @DisplayName("refers to nothing outside itself and runs no script")
    void selfContained() throws IOException {
      String page = read("report.html");

      assertThat(page).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script").doesNotContain("<link");
      assertThat(page).containsPattern("<title>payment-slowdown</title>");
    }

    @Test
    @DisplayName("embeds every plot as a PNG data URI that decodes to a 1800×900 image")
    void embedsPlots() throws IOException {
      Matcher images = DATA_IMAGE.matcher(read("report.html"));
      List<BufferedImage> decoded = new ArrayList<>();
      while (images.find()) {
        decoded.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(1)))));
      }

      assertThat(decoded).hasSizeGreaterThanOrEqualTo(6).hasSize(PLOTS.size());
      assertThat(decoded).allSatisfy(image -> {
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(ChartCanvas.WIDTH * ChartCanvas.SCALE);
        assertThat(image.getHeight()).isEqualTo(ChartCanvas.HEIGHT * ChartCanvas.SCALE);
      });
      assertThat(read("report.html")).contains("alt=\"Line chart: PlaceOrder latency").contains("<figcaption>");
    }

    @Test
    @DisplayName("escapes the text of the experiment: a claim with <script> stays text")
    void escapes() throws IOException {
      String page = read("report.html");

      assertThat(page).doesNotContain("<script>alert")
          .contains("Events keep PlaceOrder fast &lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt; &amp; lose nothing")
          .contains("fault.payment.charge = latencyMs=2000 &amp; then &lt;stopped&gt;");
    }

    @Test
    @DisplayName("shows each hypothesis with its verdict and what was observed, and each variant by name")
    void verdictsAndVariants() throws IOException {
      String page = read("report.html");

      assertThat(page).contains("<span class=\"verdict pass\">PASS</span></td><td>all-event loses nothing")
          .contains("<span class=\"verdict fail\">FAIL</span></td><td>all-rpc keeps PlaceOrder p99 under 100 ms")
          .contains("all-rpc.place_p99_ms = 2043.5")
          .contains("1 of 2 hypotheses failed")
          .contains("<h3>").contains("all-event</h3>").contains("all-rpc</h3>")
          .contains("operations.orders.place.mode = event");
    }

    @Test
    @DisplayName("formats the summary: counts without decimals, milliseconds with one, shares with three")
    void formatsSummary() throws IOException {
      String page = read("report.html");

      assertThat(page).contains("<td><code>offered</code></td><td class=\"num\">500</td>")
          .contains("<td><code>success_rate</code></td><td class=\"num\">0.941</td>")
          .containsPattern("<td><code>place_p50_ms</code></td><td class=\"num\">\\d+\\.\\d</td>")
          .contains("<td><code>consistency_lag_p50_ms</code></td><td class=\"num\">–</td>");
    }

    @Test
    @DisplayName("lists the fault schedule")
    void faults() throws IOException {
      assertThat(read("report.html"))
          .contains("<td class=\"num\">3.0</td><td class=\"num\">6.0</td><td><code>payment.charge</code></td><td>latencyMs=2000</td>");
    }
  }

  @Nested
  @DisplayName("report.md")
  class Markdown {

    @Test
    @DisplayName("links every plot, each a PNG file beside it")
    void linksPlots() throws IOException {
      String md = read("report.md");

      for (String plot : PLOTS) {
        assertThat(md).contains("](" + plot + ")");
        BufferedImage image = ImageIO.read(html.resolveSibling(plot).toFile());
        assertThat(image).as(plot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(ChartCanvas.WIDTH * ChartCanvas.SCALE);
      }
    }

    @Test
    @DisplayName("has the hypotheses with verdicts and the summary side by side")
    void tables() throws IOException {
      String md = read("report.md");

      assertThat(md).contains("| **PASS** | all-event loses nothing")
          .contains("| **FAIL** | all-rpc keeps PlaceOrder p99 under 100 ms")
          .contains("| measure | all-rpc | all-event | meaning |")
          .contains("| `offered` | 500 | 500 |")
          .contains("| 3.0 | 6.0 | `payment.charge` | latencyMs=2000 |");
    }
  }

  @Nested
  @DisplayName("the HdrHistogram logs")
  class HistogramLogFiles {

    @Test
    @DisplayName("one per variant, read back by HistogramLogReader with the counts recorded under each tag")
    void readBack() throws IOException {
      for (VariantResults variant : results.variants()) {
        Path log = html.resolveSibling(variant.name() + ".hlog");
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> maxima = new HashMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
          EncodableHistogram next;
          while ((next = reader.nextIntervalHistogram()) != null) {
            Histogram histogram = (Histogram) next;
            counts.put(histogram.getTag(), histogram.getTotalCount());
            maxima.put(histogram.getTag(), histogram.getMaxValue());
          }
        }

        assertThat(counts).containsOnlyKeys("place", "terminal", "consistency_lag")
            .containsEntry("place", (long) SyntheticResults.PLACE_COUNT)
            .containsEntry("terminal", (long) SyntheticResults.TERMINAL_COUNT)
            .containsEntry("consistency_lag", variant.consistencyLag().getTotalCount());
        assertThat(maxima.get("place")).isEqualTo(variant.placeLatency().getMaxValue());
      }
    }
  }

  @Test
  @DisplayName("a variant name that is no safe file name still gets its own log")
  void logFileName() {
    assertThat(HistogramLogs.fileName("all-event")).isEqualTo("all-event.hlog");
    assertThat(HistogramLogs.fileName("../a b/c")).isEqualTo(".._a_b_c.hlog");
  }

  @Test
  @DisplayName("the percentile axis reads 0%, 90%, 99%, 99.9%, 99.99%")
  void percentileLabels() {
    assertThat(List.of(1.0, 10.0, 100.0, 1000.0, 10000.0)).map(ReportPlots::percentileLabel)
        .containsExactly("0%", "90%", "99%", "99.9%", "99.99%");
  }
}
