package io.taskflux.caller;

/**
 * The body of a {@link PendingGroup}: starts members and returns the group's value (may be {@code
 * null}). It runs once, on the thread that subscribes to the group's {@code Mono}; calls made
 * through the caller while it runs join the group. An exception cancels the group and becomes the
 * group's error once its members are done.
 *
 * @param <R> the group's value type
 */
@FunctionalInterface
public interface GroupBody<R> {

  /** Runs the body. */
  R run(PendingGroup group) throws Exception;
}
