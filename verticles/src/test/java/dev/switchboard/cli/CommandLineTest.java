package dev.switchboard.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The command line")
class CommandLineTest {

  @Test
  @DisplayName("bench takes the suites to run as arguments, beside its flags and options")
  void benchTakesSuiteNames() {
    CommandLine line = CommandLine.parse(new String[] {"bench", "--quick", "invoke", "edge", "--out", "/tmp/b"});

    assertThat(line.command()).isEqualTo("bench");
    assertThat(line.arguments()).containsExactly("invoke", "edge");
    assertThat(line.flags()).contains("quick");
    assertThat(line.options()).containsEntry("out", "/tmp/b");
  }

  @Test
  @DisplayName("other commands still refuse a stray argument")
  void strayArgumentRefused() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"serve", "invoke"}))
        .hasMessageContaining("unexpected argument 'invoke'");
  }
}
