package dev.switchboard.platform;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;

/**
 * The type of a domain event, as CloudEvents' {@code type} names it: the full protobuf name of the
 * kind the event carries — the message set in its first oneof that holds one (an {@code OrderEvent}
 * with {@code confirmed} set is a {@code switchboard.checkout.v1.OrderConfirmed}) — or of the event's
 * own message when it has no such oneof. What a subscriber declares it takes
 * ({@link Operation#takes}) and what the bridge writes in {@code ce_type}.
 */
public final class EventTypes {

  private EventTypes() {
  }

  public static String of(Message event) {
    for (OneofDescriptor oneof : event.getDescriptorForType().getRealOneofs()) {
      FieldDescriptor set = event.getOneofFieldDescriptor(oneof);
      if (set != null && set.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        return set.getMessageType().getFullName();
      }
    }
    return event.getDescriptorForType().getFullName();
  }
}
