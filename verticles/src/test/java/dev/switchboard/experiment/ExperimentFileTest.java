package dev.switchboard.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExperimentFileTest {

  private static final String GOOD = """
      name: tiny
      claim: a claim
      workload:
        phases:
          - steady: {rate: 10, for: 2s}
          - burst: {orders: 50, within: 500ms}
          - ramp: {from: 10, to: 30, for: 1s}
          - pause: 1s
        luxuryShare: 0
        stock: {SKU-APPLE: 100}
      variants:
        - all-rpc
        - name: slow-event
          from: all-event
          set: {operations: {payment.charge: {timeoutMs: 100}}}
      faults:
        - {at: 1s, until: 2s, operation: payment.charge, latencyMs: 200}
        - {at: 1500ms, service: payment, stopped: true}
        - {at: 2s, until: 3s, operation: payment.charge, mode: event}
      windows:
        - {name: flipped, from: 2s, until: 3s}
      hypotheses:
        - "all-rpc: lost == 0"
        - "slow-event.place_p99_ms < all-rpc.place_p99_ms"
        - "all-rpc: flipped.place_p90_ms < slow-event.flipped.place_p90_ms"
      quick:
        scale: 0.5
        variants: [all-rpc]
      """;

  private final ExperimentFile file = new ExperimentFile("tiny.yaml", List.of("payment.charge", "orders.place"),
      List.of("payment", "orders"), Set.of("all-rpc", "all-event")::contains);

  @Test
  void readsEverySection() {
    ExperimentSpec spec = file.parse(GOOD);

    assertThat(spec.name()).isEqualTo("tiny");
    assertThat(spec.workload().phases()).containsExactly(new Workload.Steady(10, 2_000), new Workload.Burst(50, 500),
        new Workload.Ramp(10, 30, 1_000), new Workload.Steady(0, 1_000));
    assertThat(spec.workload().stock()).containsEntry("SKU-APPLE", 100L);
    assertThat(spec.variants()).extracting(ExperimentSpec.VariantSpec::name).containsExactly("all-rpc", "slow-event");
    assertThat(spec.variants().get(1).set()).containsEntry("operations.payment.charge.timeoutMs", "100");
    assertThat(spec.faults()).hasSize(3);
    assertThat(spec.faults().get(0).set()).containsEntry("latencyMs", "200");
    assertThat(spec.faults().get(1).stopped()).isTrue();
    assertThat(spec.faults().get(1).untilMs()).isEqualTo(-1);
    assertThat(spec.faults().get(2).mode()).isEqualTo("event");
    assertThat(spec.faults().get(2).describe()).isEqualTo("mode=event");
    assertThat(spec.windows()).containsExactly(new ExperimentSpec.WindowSpec("flipped", 2_000, 3_000));
    assertThat(spec.measureNames()).contains("lost", "flipped.place_p90_ms", "flipped.answered_pending");
    assertThat(spec.quick().variants()).containsExactly("all-rpc");
  }

  @Test
  void theWorkloadIsTheSameOrdersAtTheSameMoments() {
    ExperimentSpec spec = file.parse(GOOD);
    Workload first = Workload.of(spec.workload().phases(), spec.workload().mix());
    Workload second = Workload.of(spec.workload().phases(), spec.workload().mix());

    assertThat(first.orders()).hasSize(20 + 50 + 20).isEqualTo(second.orders());
    assertThat(first.dueNanos()).isSorted().containsExactly(second.dueNanos());
    assertThat(first.lengthNanos()).isEqualTo(4_500_000_000L);
    assertThat(first.dueBy(2_000_000_000L)).isEqualTo(21); // the steady phase, and the burst's first order at 2 s
  }

  @Test
  void quickScalesDurationsBurstsAndFaults() {
    ExperimentSpec quick = ExperimentCatalog.quick(file.parse(GOOD));

    assertThat(quick.workload().phases()).containsExactly(new Workload.Steady(10, 1_000), new Workload.Burst(25, 250),
        new Workload.Ramp(10, 30, 500), new Workload.Steady(0, 500));
    assertThat(quick.faults().get(0).atMs()).isEqualTo(500);
    assertThat(quick.faults().get(0).untilMs()).isEqualTo(1_000);
    assertThat(quick.faults().get(2).mode()).isEqualTo("event");
    assertThat(quick.faults().get(2).atMs()).isEqualTo(1_000);
    assertThat(quick.windows()).containsExactly(new ExperimentSpec.WindowSpec("flipped", 1_000, 1_500));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown key           | 'claim: a claim' | 'claims: a claim'                           | claims = 'a claim': unknown key; allowed are [name, claim",
      "unknown operation     | 'operation: payment.charge' | 'operation: payment.chrage'      | faults[0].operation = 'payment.chrage': operations are [payment.charge, orders.place]",
      "unknown service       | 'service: payment' | 'service: paymnt'                         | faults[1].service = 'paymnt': services are [payment, orders]",
      "bad duration          | 'until: 2s' | 'until: 2 seconds'                               | faults[0].until = '2 seconds': expected a duration such as 500ms, 15s or 2m",
      "until before at       | 'until: 2s' | 'until: 500ms'                                   | faults[0].until = '500ms': must come after at (1s)",
      "unknown variant       | '- all-rpc' | '- all-rcp'                                      | variants[0] = 'all-rcp': no config/variants/all-rcp.yaml",
      "unknown variant file  | 'from: all-event' | 'from: all-evnt'                           | variants[1].from = 'all-evnt': no config/variants/all-evnt.yaml",
      "unknown measure       | 'all-rpc: lost == 0' | 'all-rpc: lots == 0'                   | hypotheses[0]: unknown measure 'lots'",
      "hypothesis variant    | 'slow-event.place_p99_ms' | 'fast-event.place_p99_ms'         | hypotheses[1]: unknown variant 'fast-event'",
      "unknown fault knob    | 'latencyMs: 200' | 'latency: 200'                              | faults[0].latency = '200': unknown key; allowed are [at, until, operation, service, stopped, mode, latencyMs",
      "rate out of range     | 'rate: 10' | 'rate: -5'                                         | workload.phases[0].steady.rate = '-5': expected a number from",
      "unknown phase         | '- pause: 1s' | '- wait: 1s'                                   | workload.phases[3] = 'wait': phases are [steady, ramp, burst, pause]",
      "quick variant         | 'variants: [all-rpc]' | 'variants: [all-kafka]'                | quick.variants[0] = 'all-kafka': variants are [all-rpc, slow-event]",
      "no grace              | 'luxuryShare: 0' | 'grace: 0s'                                | workload.grace = '0s': at least 1s",
      "too long              | 'for: 2s' | 'for: 2000m'                                        | workload.phases[0].steady.for = '2000m': at most 24 hours",
      "bad mode              | 'mode: event' | 'mode: async'                               | faults[2].mode = 'async': one of [rpc, event]",
      "mode of a service     | 'operation: payment.charge, mode' | 'service: payment, mode'  | faults[2].mode = 'event': only an operation's mode can be flipped",
      "flipped unknown op    | 'operation: payment.charge, mode' | 'operation: payment.chrage, mode' | faults[2].operation = 'payment.chrage': operations are [payment.charge, orders.place]",
      "flip and a fault      | 'mode: event}' | 'mode: event, latencyMs: 5}'                 | faults[2] = '[at, until, operation, mode, latencyMs]': a mode flip takes no fault",
      "window past the run   | 'from: 2s, until: 3s}' | 'from: 2s, until: 9s}'              | windows[0].until = '9s': within the workload, which lasts 4.5s",
      "window before from    | 'from: 2s, until: 3s}' | 'from: 2s, until: 1s}'              | windows[0].until = '1s': must come after from (2s)",
      "window named a variant| 'name: flipped,' | 'name: all-rpc,'                           | windows[0].name = 'all-rpc': a name no variant has",
      "unknown window key    | 'name: flipped,' | 'name: flipped, to: 3s,'                   | windows[0].to = '3s': unknown key; allowed are [name, from, until]",
      "unknown window measure| 'flipped.place_p90_ms <' | 'flipped.place_p95_ms <'           | hypotheses[2]: unknown measure 'flipped.place_p95_ms' at position 9",
      "overlapping stops     | '{at: 1s, until: 2s, operation: payment.charge, latencyMs: 200}' | '{at: 1s, until: 2s, service: payment, stopped: true}' | faults[1] = 'payment stopped from 1500ms': a service is stopped in one window at a time",

  })
  void aWrongFileIsRefusedNamingTheKeyTheValueAndWhatIsAllowed(String what, String good, String bad, String message) {
    String text = GOOD.replace(good, bad);
    assertThat(text).as("the test's replacement applies").isNotEqualTo(GOOD);

    assertThatThrownBy(() -> file.parse(text)).isInstanceOf(ExperimentFileException.class)
        .hasMessageStartingWith("tiny.yaml").hasMessageContaining(message);
  }

  @Test
  void anOperationIsFlippedInOneWindowAtATime() {
    String text = GOOD.replace("  - {at: 2s, until: 3s, operation: payment.charge, mode: event}\n",
        "  - {at: 2s, until: 3s, operation: payment.charge, mode: event}\n"
            + "  - {at: 2500ms, operation: payment.charge, mode: rpc}\n");
    assertThat(text).isNotEqualTo(GOOD);

    assertThatThrownBy(() -> file.parse(text)).hasMessageContaining(
        "faults[3] = 'payment.charge mode rpc from 2500ms': an operation is flipped in one window at a time");
  }

  @Test
  void aRunThatWouldDecideNothingOrPlaceNothingIsRefused() {
    String noHypotheses = GOOD.substring(0, GOOD.indexOf("hypotheses:")) + "hypotheses: []\n";
    assertThatThrownBy(() -> file.parse(noHypotheses))
        .hasMessage("tiny.yaml: hypotheses = '[]': at least one hypothesis: an experiment decides something");

    String noOrders = """
        name: tiny
        claim: a claim
        workload:
          phases:
            - steady: {rate: 0.1, for: 2s}
        variants: [all-rpc]
        hypotheses: ["all-rpc: lost == 0"]
        """;
    assertThatThrownBy(() -> file.parse(noOrders))
        .hasMessageContaining("workload.phases = '0 orders': a workload places 1 to 1000000 orders");
  }

  @Test
  void aMissingSectionIsNamed() {
    assertThatThrownBy(() -> file.parse(GOOD.replace("hypotheses:", "notes:")))
        .hasMessageContaining("notes");
    assertThatThrownBy(() -> file.parse("name: x\nclaim: y\nvariants: [all-rpc]\nhypotheses: []\n"))
        .hasMessage("tiny.yaml: workload is missing");
  }

  @Test
  void everyShippedExperimentReads() {
    for (String name : ExperimentCatalog.SHIPPED) {
      assertThat(Experiment.read(name).name()).isEqualTo(name);
    }
  }
}
