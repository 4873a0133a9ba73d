package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The machine's load in a suite's notes")
class MachineLoadTest {

  @Test
  @DisplayName("below the number of cores is stated plainly; at or above it, the figures are said to be suspect")
  void warnsOnlyWhenTheCoresWereBusy() {
    assertThat(MachineLoad.describe(1.39, 2)).isEqualTo("load average 1.39 on 2 cores when the suite started");
    assertThat(MachineLoad.describe(2.0, 2)).startsWith("load average 2.00 on 2 cores when the suite started (")
        .contains("may be low and noisy");
    assertThat(MachineLoad.describe(-1, 2)).isEqualTo("load average not available (2 cores)");
  }
}
