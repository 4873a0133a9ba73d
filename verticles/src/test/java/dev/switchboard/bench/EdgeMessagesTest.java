package dev.switchboard.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The edge suite's messages")
class EdgeMessagesTest {

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {10, 50, 127, 200, 1_000})
  @DisplayName("AsyncServer's SimpleRequest is as long as asked")
  void simpleRequestOfTheSameSize(int bytes) {
    assertThat(EdgeMessages.simpleRequest(bytes, 40).length()).isEqualTo(bytes);
  }

  @Test
  @DisplayName("the PlaceOrder request passes the edge's validation (a call that fails is not measured)")
  void placeOrderIsValid() {
    assertThat(EdgeMessages.PLACE_ORDER_REQUEST.getItemsCount()).isPositive();
    assertThat(EdgeMessages.placeOrder().length()).isEqualTo(EdgeMessages.PLACE_ORDER_REQUEST.getSerializedSize());
  }
}
