package dev.switchboard.experiment.report;

/**
 * A hypothesis and what came of it.
 *
 * @param text     the hypothesis as written
 * @param passed   whether it held
 * @param observed the values it was decided on, e.g. {@code all-event.lost = 0, all-event.duplicated_effects = 0}
 */
public record Verdict(String text, boolean passed, String observed) {
}
