package dev.switchboard.experiment.report;

/**
 * One scheduled fault, on the workload's timeline.
 *
 * @param atS         seconds after the start when it begins
 * @param untilS      seconds after the start when it ends
 * @param target      the operation or service it hits
 * @param description what happens, e.g. {@code latencyMs=2000} or {@code stopped}
 */
public record FaultWindow(double atS, double untilS, String target, String description) {
}
