package dev.switchboard.testing;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.UUID;

/**
 * What an outside client might send, for property-based tests of the edges: mostly plausible values,
 * many just beyond a limit, and a share of anything at all (control characters, any Unicode, empty,
 * huge). The orders it makes are valid often enough that many are placed and must end.
 */
public final class OutsideValues {

  private static final String ID_CHARACTERS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";

  private OutsideValues() {
  }

  /** An identifier as a client might send it: valid, around the limits, or anything. */
  public static Arbitrary<String> identifier() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.strings().withChars(ID_CHARACTERS).ofMinLength(1).ofMaxLength(24)),
        Tuple.of(2, Arbitraries.strings().withChars(ID_CHARACTERS).ofMinLength(60).ofMaxLength(140)),
        Tuple.of(2, anyText().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)
            .map(control -> "id" + control + "forged")),
        Tuple.of(1, Arbitraries.of("", " ", "\n", "a b", "caf\u00e9", "\u202etxt", "x".repeat(300),
            "id\r\n2026-01-01 INFO forged line")));
  }

  /** Any text (no lone surrogates: protobuf sends those as '?' anyway). */
  private static net.jqwik.api.arbitraries.StringArbitrary anyText() {
    return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff');
  }

  /** A header value: as {@link #identifier()}, with ASCII control characters more often. */
  public static Arbitrary<String> headerValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, identifier()),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(300)));
  }

  public static Arbitrary<String> sku() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(TestNodes.APPLE, TestNodes.CHERRY)),
        Tuple.of(1, Arbitraries.strings().withChars(ID_CHARACTERS).ofMinLength(1).ofMaxLength(70)),
        Tuple.of(1, identifier()));
  }

  public static Arbitrary<Integer> quantity() {
    return Arbitraries.frequencyOf(
        Tuple.of(18, Arbitraries.integers().between(1, 3)),
        Tuple.of(1, Arbitraries.integers()),
        Tuple.of(1, Arbitraries.of(0, -1, 100_000, 100_001, Integer.MAX_VALUE, Integer.MIN_VALUE)));
  }

  public static Arbitrary<Long> unitPriceCents() {
    return Arbitraries.frequencyOf(
        Tuple.of(18, Arbitraries.longs().between(0, 3_000)),
        Tuple.of(1, Arbitraries.longs()),
        Tuple.of(1, Arbitraries.of(-1L, 100_000_000_000L, 100_000_000_001L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MAX_VALUE / 2)));
  }

  public static Arbitrary<LineItem> item() {
    return Combinators.combine(sku(), quantity(), unitPriceCents()).as((sku, quantity, price) ->
        LineItem.newBuilder().setSku(sku).setQuantity(quantity).setUnitPriceCents(price).build());
  }

  /** An idempotency key: none, fresh, any identifier, or one of a few reused ones (ALREADY_EXISTS). */
  public static Arbitrary<String> idempotencyKey() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just("")),
        Tuple.of(3, Arbitraries.create(() -> UUID.randomUUID().toString())),
        Tuple.of(2, Arbitraries.of("reused-1", "reused-2", "reused-3")),
        Tuple.of(1, identifier()));
  }

  public static Arbitrary<PlaceOrderRequest> order() {
    Arbitrary<java.util.List<LineItem>> items = Arbitraries.frequencyOf(
        Tuple.of(12, item().list().ofMinSize(1).ofMaxSize(3)),
        Tuple.of(1, item().list().ofMaxSize(0)),
        Tuple.of(1, item().list().ofMinSize(90).ofMaxSize(110)));
    Arbitrary<String> customer = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("customer-1", "customer-2")),
        Tuple.of(1, identifier()));
    return Combinators.combine(customer, items, idempotencyKey()).as((customerId, lines, key) ->
        PlaceOrderRequest.newBuilder().setCustomerId(customerId).addAllItems(lines).setIdempotencyKey(key).build());
  }
}
