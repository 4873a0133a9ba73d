package dev.switchboard.experiment;

import dev.switchboard.experiment.ExperimentSpec.FaultSpec;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Plays a fault schedule against a running node on the workload's timeline: an operation's fault
 * knobs set at {@code at} and put back at {@code until} (over whatever its configuration set), a
 * service stopped at {@code at} — its in-flight work dropped, as a crash would — and started again
 * at {@code until}, an operation's mode flipped at {@code at} and back to its configured one at
 * {@code until} through the node's management API, as an operator would.
 */
final class FaultSchedule {

  private static final Logger LOGGER = LoggerFactory.getLogger(FaultSchedule.class);

  private final Vertx timers;
  private final SwitchboardNode node;
  private final List<FaultSpec> faults;
  private final List<String> operations;
  private final List<FaultSpec> active = new CopyOnWriteArrayList<>();
  private final List<Long> scheduled = new ArrayList<>();
  private final ModeSwitch modes;
  private final List<Future<Void>> flips = new CopyOnWriteArrayList<>();

  FaultSchedule(Vertx timers, SwitchboardNode node, List<FaultSpec> faults) {
    this.timers = timers;
    this.node = node;
    this.faults = faults;
    this.operations = node.config().operations().stream().map(Operation::name).toList();
    this.modes = faults.stream().anyMatch(FaultSpec::flips) ? new ModeSwitch(timers, node.config().edge().httpHost(),
        node.httpPort(), node.config().edge().managementToken()) : null;
  }

  /** Schedules every fault relative to {@code startNanos}; {@link #stop()} cancels what is still to come. */
  void start(long startNanos) {
    for (FaultSpec fault : faults) {
      at(startNanos, fault.atMs(), () -> begin(fault));
      if (fault.untilMs() >= 0) {
        at(startNanos, fault.untilMs(), () -> end(fault));
      }
    }
  }

  /**
   * Cancels what is still to come and ends what is active: the node is left as configured. Completes
   * when the flips made are answered.
   */
  Future<Void> stop() {
    scheduled.forEach(timers::cancelTimer);
    scheduled.clear();
    for (FaultSpec fault : List.copyOf(active)) {
      end(fault);
    }
    if (modes == null) {
      return Future.succeededFuture();
    }
    return Future.join(List.copyOf(flips)).<Void>mapEmpty().otherwiseEmpty().compose(answered -> modes.close());
  }

  /** The faults active now, described. */
  List<String> activeFaults() {
    return active.stream().map(fault -> fault.target() + " " + fault.describe()).toList();
  }

  private void at(long startNanos, long offsetMs, Runnable action) {
    long delay = TimeUnit.NANOSECONDS.toMillis(startNanos - System.nanoTime()) + offsetMs;
    if (delay <= 0) {
      action.run();
    } else {
      scheduled.add(timers.setTimer(delay, fired -> action.run()));
    }
  }

  private void begin(FaultSpec fault) {
    active.add(fault);
    LOGGER.info("fault on: {} {}", fault.target(), fault.describe());
    if (fault.flips()) {
      flip(fault.target(), fault.mode());
    } else if (fault.stopped()) {
      node.checkout().stop(node.vertx(), fault.target())
          .onFailure(failure -> LOGGER.warn("could not stop {}: {}", fault.target(), failure.getMessage()));
    } else {
      targets(fault).forEach(this::apply);
    }
  }

  private void end(FaultSpec fault) {
    if (!active.remove(fault)) {
      return;
    }
    LOGGER.info("fault off: {} {}", fault.target(), fault.describe());
    if (fault.flips()) {
      flip(fault.target(), node.config().platform().operation(fault.target()).mode().spelling());
    } else if (fault.stopped()) {
      node.checkout().start(node.vertx(), fault.target())
          .onFailure(failure -> LOGGER.warn("could not start {} again: {}", fault.target(), failure.getMessage()));
    } else {
      targets(fault).forEach(this::apply);
    }
  }

  private void flip(String operation, String mode) {
    flips.add(modes.flip(operation, mode)
        .onSuccess(flipped -> LOGGER.info("{} flipped to {} through the management API", operation, mode))
        .onFailure(failure -> LOGGER.warn("could not flip {} to {}: {}", operation, mode, failure.getMessage())));
  }

  /** The operation's configured faults with the knobs of every active window on it laid over, in schedule order. */
  private void apply(String operation) {
    String base = "operations." + operation + ".faults.";
    Map<String, String> knobs = new LinkedHashMap<>();
    for (FaultSpec fault : active) {
      if (!fault.stopped() && !fault.flips() && targets(fault).contains(operation)) {
        fault.set().forEach((knob, value) -> knobs.put(base + knob, value));
      }
    }
    Settings settings = node.config().settings().with(knobs);
    FaultSettings faults = FaultSettings.read(settings, base);
    node.switchboard().faults().set(operation, faults);
  }

  private List<String> targets(FaultSpec fault) {
    return fault.service() ? operations.stream().filter(name -> name.startsWith(fault.target() + ".")).toList()
        : List.of(fault.target());
  }
}
