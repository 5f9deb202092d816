package io.taskflux.testing.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Two short, bounded locks and one read of the kernel's random source inside the client stack that
 * BlockHound would flag when contended on a non-blocking thread. Flagged, the error is thrown in
 * the middle of the client's own bookkeeping and leaves it broken, so a false positive turns into a
 * hang rather than a failed assertion:
 *
 * <ul>
 *   <li>Netty's adaptive buffer allocator takes a {@code StampedLock} when two event loops grow its
 *       magazines at once (the first connections of a JVM); Netty's own integration (4.2.10) does
 *       not list this frame. Thrown in Lettuce's {@code channelRegistered}, it abandoned a
 *       connection mid-handshake and the cluster topology refresh waited for the handshake timeout:
 *       the first cluster test took 60 s.
 *   <li>Lettuce's {@code SharedLock} guards a writer counter with a {@code ReentrantLock} when two
 *       threads dispatch on one connection at once (every caller shares the command connection by
 *       design). Thrown there, a command was never sent (a worker's completion was lost until its
 *       lease expired) and, with the lock's queue left behind, a later {@code close()} spun for
 *       ever in {@code lockWritersExclusive}.
 *   <li>The JDK's {@code SSLContext.init} seeds from {@code /dev/urandom} ({@code NativePRNG}'s
 *       buffered read) when Netty builds a client TLS context for a new connection. The read never
 *       waits for entropy; flagged, it failed every {@code rediss://} connection that happened to
 *       refill the buffer.
 * </ul>
 *
 * <p>It lives in the harness, registered as a service, so every module whose tests talk to Redis
 * gets it: without it, a Redis test in the examples module hung in {@code close()} exactly as
 * described above.
 */
public final class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "readFully");
  }
}
