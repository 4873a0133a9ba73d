package dev.switchboard.platform;

import com.google.protobuf.ListValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.switchboard.checkout.v1.OrderConfirmed;
import dev.switchboard.checkout.v1.OrderEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Event types")
class EventTypesTest {

  @Test
  @DisplayName("an event's type is the message set in its oneof, else its own message")
  void typeIsTheKindSet() {
    assertThat(EventTypes.of(OrderEvent.newBuilder().setConfirmed(OrderConfirmed.getDefaultInstance()).build()))
        .isEqualTo("switchboard.checkout.v1.OrderConfirmed");
    assertThat(EventTypes.of(Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build()))
        .isEqualTo("google.protobuf.ListValue");
    assertThat(EventTypes.of(Value.newBuilder().setStringValue("a scalar kind").build()))
        .as("a oneof holding a scalar names no type of its own").isEqualTo("google.protobuf.Value");
    assertThat(EventTypes.of(OrderEvent.getDefaultInstance())).as("no kind set").isEqualTo("switchboard.checkout.v1.OrderEvent");
    assertThat(EventTypes.of(StringValue.of("x"))).isEqualTo("google.protobuf.StringValue");
  }

  @Test
  @DisplayName("a subscriber takes every type unless it names some; an event without a type goes to all")
  void subscriberTakesNamedTypes() {
    var every = Operation.subscriber("values.all", "test.values", Value.parser(), Value.parser());
    var lists = every.takes(ListValue.getDescriptor(), Struct.getDescriptor()).handled(Handling.IDEMPOTENT);

    assertThat(every.takesType("google.protobuf.Value")).isTrue();
    assertThat(lists.takesType("google.protobuf.ListValue")).isTrue();
    assertThat(lists.takesType("google.protobuf.Struct")).isTrue();
    assertThat(lists.takesType("google.protobuf.Value")).isFalse();
    assertThat(lists.takesType(null)).isTrue();
    assertThat(lists.eventTypes()).as("kept by handled()")
        .containsExactlyInAnyOrder("google.protobuf.ListValue", "google.protobuf.Struct");
  }

  @Test
  @DisplayName("takes() refuses a type no event of the subscriber's message can have, naming the possible ones")
  void takesOnlyPossibleTypes() {
    var values = Operation.subscriber("values.all", "test.values", Value.parser(), Value.parser());

    assertThat(values.takes(Value.getDescriptor()).eventTypes()).as("a scalar kind's events").containsExactly(
        "google.protobuf.Value");
    assertThatThrownBy(() -> values.takes(ListValue.getDescriptor(), StringValue.getDescriptor()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values.all: its events are never of type google.protobuf.StringValue; expected one of"
            + " [google.protobuf.ListValue, google.protobuf.Struct, google.protobuf.Value]");
  }

  @Test
  @DisplayName("takes() is for subscribers, with at least one type")
  void takesNeedsSubscriberAndTypes() {
    assertThatThrownBy(() -> Operation.of("values.get", Value.parser(), Value.parser()).takes(Struct.getDescriptor()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("values.get subscribes to no stream");
    assertThatThrownBy(() -> Operation.subscriber("values.all", "test.values", Value.parser(), Value.parser()).takes())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one event type");
  }
}
