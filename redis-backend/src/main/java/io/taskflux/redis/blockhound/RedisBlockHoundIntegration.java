package io.taskflux.redis.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The BlockHound allowances the Redis backend's client stack (Lettuce on Netty, the JDK's TLS)
 * needs, shipped with the backend so that an application that installs BlockHound in its own tests
 * needs no set-up: {@code BlockHound.install()} finds this class as a service ({@code
 * META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}). BlockHound is an
 * optional dependency of {@code taskflux-redis}; without it on the class path nothing loads this
 * class.
 *
 * <p>Each allowance names one method whose blocking call is short and bounded, never the whole
 * library. Flagged, the error is thrown in the middle of the client's own bookkeeping and leaves it
 * broken, so a false positive turns into a hang or a lost write rather than a failed assertion:
 *
 * <ul>
 *   <li>Lettuce's {@code SharedLock} guards a writer counter with a {@code ReentrantLock} when two
 *       threads dispatch on one connection at once (every caller shares the command connection by
 *       design); under contention the lock parks for the few instructions the holder needs. Thrown
 *       there, a command was never sent (a worker's completion was lost until its lease expired)
 *       and, with the lock's queue left behind, a later {@code close()} spun for ever in {@code
 *       lockWritersExclusive}.
 *   <li>Netty's adaptive buffer allocator takes a {@code StampedLock} when two event loops grow its
 *       magazines at once (the first connections of a JVM); Netty's own integration (4.2.10) does
 *       not list this frame. Thrown in Lettuce's {@code channelRegistered}, it abandoned a
 *       connection mid-handshake and a cluster topology refresh waited for the handshake timeout.
 *   <li>The JDK's {@code NativePRNG} refills its buffer from {@code /dev/urandom} (seeding {@code
 *       SSLContext.init} when Netty builds a client TLS context for a new {@code rediss://}
 *       connection). That read never waits for entropy; flagged, it failed every TLS connection
 *       that happened to refill the buffer. Only the read itself ({@code RandomIO.readFully}) is
 *       allowed, not the rest of the TLS set-up.
 * </ul>
 */
public final class RedisBlockHoundIntegration implements BlockHoundIntegration {

  /** Instantiated by {@link java.util.ServiceLoader}. */
  public RedisBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
    builder.allowBlockingCallsInside(
        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "readFully");
  }
}
