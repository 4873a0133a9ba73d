package dev.switchboard.experiment;

import dev.switchboard.testing.ServeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar run from a directory outside the checkout finds what it needs from where the jar is. */
@DisplayName("java -jar /path/to/switchboard.jar demo, run from another directory")
class DemoFromElsewhereIT {

  private ServeProcess demo;

  @TempDir
  Path elsewhere;

  @AfterEach
  void stop() throws InterruptedException {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  @DisplayName("runs its Kafka variant with the local broker found beside the jar (kafka-dev/target/lib)")
  void kafkaVariantFromAnotherDirectory() throws Exception {
    demo = ServeProcess.launchIn(elsewhere, "demo-from-elsewhere",
        List.of("demo", "--variants", "all-kafka", "--orders", "20", "--rate", "20", "--warmup", "0"));

    assertThat(demo.awaitExit(180)).as("exit code; output:%n%s", demo.text()).isZero();
    assertThat(demo.text()).contains("local Kafka broker on").contains("[all-kafka] done: ")
        .doesNotContain("no local Kafka broker classpath");
    // every one of the 20 orders sent reached a terminal state, none lost on the way
    Matcher done = Pattern.compile("\\[all-kafka] done: (\\d+) confirmed, (\\d+) rejected, 0 errors").matcher(demo.text());
    assertThat(done.find()).as("done line; output:%n%s", demo.text()).isTrue();
    assertThat(Integer.parseInt(done.group(1)) + Integer.parseInt(done.group(2))).isEqualTo(20);
  }
}
