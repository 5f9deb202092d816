package io.taskflux.caller;

/**
 * What a member's <b>cancellation</b> does to a {@link PendingGroup}, and how a group that ends
 * cancelled (by {@link PendingGroup#cancel}, its deadline, or a member) completes. A member's
 * <b>exception</b> always cancels the group and fails it with {@link PendingGroupException}, in
 * every mode.
 */
public enum GroupMode {
  /** Mode 0: a member's cancellation is ignored; a cancelled group completes empty. */
  IGNORE_CANCELLED,
  /**
   * Mode 1: a member's cancellation cancels the group (and its other members); a cancelled group
   * fails with {@link PendingCancelledException}.
   */
  CANCEL_AND_RAISE,
  /** Mode 2: as {@link #CANCEL_AND_RAISE}, but a cancelled group completes empty. */
  CANCEL_QUIETLY
}
