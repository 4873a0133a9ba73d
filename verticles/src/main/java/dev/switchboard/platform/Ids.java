package dev.switchboard.platform;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * New ids for messages, orders and anything else kept under a key: UUIDs in the version 7 layout
 * (RFC 9562), the creation time in milliseconds first, then 74 random bits from a {@link SecureRandom}.
 * <p>
 * Why time first: most of these ids become primary keys of B-trees in the store. Random keys (version 4)
 * land on a random leaf page each, so every insert dirties a page of its own and a commit writes them
 * all out again (H2 writes each changed page at every commit); ids made at about the same time sort
 * together, so the inserts of one commit share a few pages at the right edge of each index. The text form
 * is the usual 36 characters, lower-case hexadecimal: its order as text is its order in time (to the
 * millisecond; within one the order is random). The random part keeps them unguessable and unique
 * across processes without coordination.
 */
public final class Ids {

  private static final SecureRandom RANDOM = random();
  private static final long VERSION_7 = 0x7000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

  /** Random bits for this many ids are drawn from the {@link SecureRandom} at a time, per thread. */
  private static final int IDS_PER_DRAW = 32;
  private static final ThreadLocal<ByteBuffer> RANDOM_BITS = ThreadLocal.withInitial(() ->
      // empty: the first id draws
      ByteBuffer.allocate(16 * IDS_PER_DRAW).position(16 * IDS_PER_DRAW));

  private Ids() {
  }

  /**
   * The JDK's DRBG (NIST SP 800-90A, seeded from the system's entropy): as strong as the default
   * {@link SecureRandom} and a few times faster per byte than {@code NativePRNG}, which mixes every
   * draw from {@code /dev/urandom} through SHA-1.
   */
  private static SecureRandom random() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException notInThisJdk) {
      return new SecureRandom();
    }
  }

  /** A new id, e.g. {@code 019a8e3c-5f21-7b4e-9d3a-1c2b3d4e5f60}. */
  public static String next() {
    // each call into a SecureRandom takes its lock and its setup: a thread draws for many ids at once
    ByteBuffer bits = RANDOM_BITS.get();
    if (!bits.hasRemaining()) {
      RANDOM.nextBytes(bits.array());
      bits.clear();
    }
    return uuid(System.currentTimeMillis(), bits.getLong(), bits.getLong()).toString();
  }

  /** The version 7 UUID of the millisecond {@code epochMs} with random bits taken from {@code a} and {@code b}. */
  static UUID uuid(long epochMs, long a, long b) {
    long mostSignificant = (epochMs << 16) | VERSION_7 | (a & 0xFFFL);
    long leastSignificant = VARIANT_RFC | (b & 0x3FFF_FFFF_FFFF_FFFFL);
    return new UUID(mostSignificant, leastSignificant);
  }
}
