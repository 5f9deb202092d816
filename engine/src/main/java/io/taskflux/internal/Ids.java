package io.taskflux.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Id generation that is safe on non-blocking threads. */
public final class Ids {

  private Ids() {}

  /**
   * A random (version 4) UUID string drawn from {@link ThreadLocalRandom}. Unlike {@link
   * UUID#randomUUID()}, which reads {@code SecureRandom} and may block on the OS entropy source, it
   * never blocks, so it is safe on Reactor's non-blocking threads. Ids are unique, not secret.
   */
  public static String randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
