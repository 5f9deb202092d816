package io.taskflux.redis;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets Netty's adaptive buffer allocator take its internal {@code StampedLock} when two event loops
 * grow its magazines at the same moment (the first connections of a JVM). Netty's own BlockHound
 * integration (4.2.10) does not list this frame. Flagged, the error is thrown inside Lettuce's
 * {@code channelRegistered}, the connection is abandoned mid-handshake, and the cluster topology
 * refresh then waits for the handshake timeout: the first cluster test took 60 s.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
  }
}
