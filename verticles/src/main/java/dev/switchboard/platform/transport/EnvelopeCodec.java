package dev.switchboard.platform.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * How an {@link Envelope} travels on the event bus: within one JVM as itself — it is immutable, so
 * the consumer gets the sender's instance, with no headers to build, copy and parse again for each
 * message — and between clustered nodes as {@link Envelope#toBytes() its bytes} (headers, then
 * body) behind their length.
 * <p>
 * The body {@link Buffer} is shared by the sender and the consumers in one JVM; the platform only
 * reads a message's body once it is sent.
 */
final class EnvelopeCodec implements MessageCodec<Envelope, Envelope> {

  static final String NAME = "switchboard-envelope";

  /** Makes the codec the event bus's way of carrying envelopes, once per event bus. */
  static void registerOn(EventBus bus) {
    synchronized (bus) {
      try {
        bus.registerDefaultCodec(Envelope.class, new EnvelopeCodec());
      } catch (IllegalStateException alreadyRegistered) {
        // another platform instance on the same Vert.x registered it: the codec keeps no state
      }
    }
  }

  @Override
  public void encodeToWire(Buffer wire, Envelope envelope) {
    byte[] bytes = envelope.toBytes();
    wire.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public Envelope decodeFromWire(int position, Buffer wire) {
    int length = wire.getInt(position);
    return Envelope.fromBytes(wire.getBytes(position + 4, position + 4 + length));
  }

  @Override
  public Envelope transform(Envelope envelope) {
    return envelope;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
