package io.taskflux.testing.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Two short, bounded locks inside the client stack that BlockHound would flag when contended on a
 * non-blocking thread. Flagged, the error is thrown in the middle of the client's own bookkeeping
 * and leaves it broken, so a false positive turns into a hang rather than a failed assertion:
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
 * </ul>
 *
 * <p>It lives in the harness, which every module's tests depend on, because a test JVM of any
 * module that talks to Redis (the command line's chaos test flagged the first lock in its producer)
 * runs the same client stack. The class names are strings: the harness needs neither dependency.
 */
public final class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
  }
}
