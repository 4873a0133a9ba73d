package dev.switchboard.experiment;

import java.util.List;
import java.util.Map;

import dev.switchboard.experiment.report.Measures;

/**
 * An experiment as its file states it, checked: the claim under test, the workload, the variants
 * to run it under, the faults on the workload's timeline, and the hypotheses to decide.
 *
 * @param name       the experiment's name
 * @param claim      the sentence under test
 * @param workload   the orders and their schedule
 * @param settings   settings laid over every variant's (e.g. a deadline the claim needs)
 * @param variants   the variants, in the order they run
 * @param faults     the fault schedule
 * @param windows    named stretches of the workload's timeline measured on their own
 * @param hypotheses the hypotheses, as written
 * @param quick      how {@code --quick} scales the experiment down
 */
public record ExperimentSpec(String name, String claim, WorkloadSpec workload, Map<String, String> settings,
                             List<VariantSpec> variants, List<FaultSpec> faults, List<WindowSpec> windows,
                             List<String> hypotheses, Quick quick) {

  /**
   * Every measure a hypothesis may name: those over the whole run ({@link Measures#SUMMARY}), then
   * for each window those of {@link Measures#WINDOW} as {@code <window>.<measure>}.
   */
  public List<String> measureNames() {
    List<String> names = new java.util.ArrayList<>(Measures.SUMMARY.keySet());
    for (WindowSpec window : windows) {
      Measures.WINDOW.keySet().forEach(measure -> names.add(window.name() + "." + measure));
    }
    return names;
  }

  /**
   * The workload.
   *
   * @param phases            the open-loop phases, end to end
   * @param mix               what the orders buy
   * @param stock             initial stock per SKU (empty: the demo's)
   * @param paymentLimitCents the payment limit, or null for the demo's
   * @param graceMs           how long after the last order is due the run waits for stragglers
   * @param clientTimeoutMs   the deadline a client gives PlaceOrder (0: none)
   * @param warmupOrders      orders per variant placed first and not measured, to warm the JVM up
   */
  public record WorkloadSpec(List<Workload.Phase> phases, Workload.Mix mix, Map<String, Long> stock,
                             Long paymentLimitCents, long graceMs, long clientTimeoutMs, int warmupOrders) {
  }

  /**
   * A variant: a file from {@code config/variants/} and settings laid over it.
   *
   * @param name the variant's name (in hypotheses and reports)
   * @param from the variant file it starts from, or null for the defaults
   * @param set  settings laid over it
   */
  public record VariantSpec(String name, String from, Map<String, String> set) {
  }

  /**
   * A fault on the workload's timeline.
   *
   * @param atMs    when it begins, after the start of the workload
   * @param untilMs when it ends, or -1 for the end of the run
   * @param target  the operation or service it hits
   * @param service whether {@code target} is a service (every operation it serves) rather than one operation
   * @param set     the operation fault settings it applies (latencyMs, errorRate, ...)
   * @param stopped for a service: stopped at {@code atMs} (its in-flight work dropped) and started again at {@code untilMs}
   * @param mode    for an operation: the mode ({@code rpc} or {@code event}) it is flipped to at {@code atMs}
   *                through the node's management API, and flipped back from at {@code untilMs}; null for none
   */
  public record FaultSpec(long atMs, long untilMs, String target, boolean service, Map<String, String> set,
                          boolean stopped, String mode) {

    /** Whether this entry flips the operation's mode rather than injecting a fault. */
    public boolean flips() {
      return mode != null;
    }

    public String describe() {
      if (stopped) {
        return "stopped";
      }
      if (mode != null) {
        return "mode=" + mode;
      }
      StringBuilder text = new StringBuilder();
      set.forEach((key, value) -> text.append(text.length() == 0 ? "" : " ").append(key).append('=').append(value));
      return text.toString();
    }
  }

  /**
   * A named stretch of the workload's timeline: the orders placed within it are measured on their
   * own ({@link Measures#WINDOW}), e.g. before and after a flip.
   *
   * @param name   the window's name, as hypotheses write it ({@code <window>.<measure>})
   * @param fromMs where it begins, after the start of the workload
   * @param untilMs where it ends (exclusive)
   */
  public record WindowSpec(String name, long fromMs, long untilMs) {

    /** Whether an order due {@code dueMs} after the start belongs to the window. */
    public boolean contains(long dueMs) {
      return dueMs >= fromMs && dueMs < untilMs;
    }
  }

  /**
   * How {@code --quick} scales the experiment down.
   *
   * @param scale    multiplies every duration and burst size
   * @param set      settings laid over every variant's in quick form
   * @param variants the variants quick form runs (empty: all)
   */
  public record Quick(double scale, Map<String, String> set, List<String> variants) {
    static final Quick NONE = new Quick(1.0, Map.of(), List.of());
  }
}
