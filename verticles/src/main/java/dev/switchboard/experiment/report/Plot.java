package dev.switchboard.experiment.report;

/**
 * One plot of a report, drawn.
 *
 * @param file    its file name beside {@code report.md}, e.g. {@code place-latency.png}
 * @param title   its heading
 * @param alt     what it shows, for those who cannot see it
 * @param caption how to read it
 * @param png     the image, PNG-encoded
 */
public record Plot(String file, String title, String alt, String caption, byte[] png) {
}
