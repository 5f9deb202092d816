package io.taskflux.caller;

import java.util.Set;

/**
 * What {@link Caller#wait} saw when it returned: the items that were done and those that were not,
 * each in the order given. Unmodifiable; compares pendings by identity.
 *
 * @param done the items done when the wait returned
 * @param notDone the others (never cancelled by the wait)
 * @param <T> the value type
 */
public record WaitResult<T>(Set<Pending<T>> done, Set<Pending<T>> notDone) {

  /** Copies both sets. */
  public WaitResult {
    done = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(done));
    notDone = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(notDone));
  }
}
