package dev.switchboard.experiment;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * What one variant did with the workload, as clients saw it and as the system ended up.
 *
 * @param variant         the variant's name
 * @param sent            orders sent
 * @param accepted        orders the edge answered with an order id
 * @param confirmed       orders that ended CONFIRMED
 * @param rejectedStock   orders that ended REJECTED for stock
 * @param rejectedPayment orders that ended REJECTED for payment
 * @param rejectedOther   orders that ended REJECTED for another reason (a timeout, an unavailable step)
 * @param errors          calls that failed at the edge (no order id came back)
 * @param unfinished      accepted orders with no terminal state at the end of the run (lost work)
 * @param placeLatency    microseconds from an order's intended start to PlaceOrder's answer
 * @param terminalLatency microseconds from an order's intended start to its terminal state
 * @param seconds         wall time from the first order to the last terminal state
 * @param violations      consistency checks that failed (stock arithmetic, duplicate effects); empty when all hold
 */
public record VariantResult(String variant, int sent, int accepted, int confirmed, int rejectedStock,
                            int rejectedPayment, int rejectedOther, int errors, int unfinished, Histogram placeLatency,
                            Histogram terminalLatency, double seconds, List<String> violations) {

  public int terminal() {
    return confirmed + rejectedStock + rejectedPayment + rejectedOther;
  }

  public double throughput() {
    return seconds <= 0 ? 0 : terminal() / seconds;
  }

  public boolean consistent() {
    return violations.isEmpty() && unfinished == 0;
  }
}
